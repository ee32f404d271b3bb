package io.interchange.journal;

import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.interchange.codec.Dialect;

/**
 * Where the journal lives and how it protects and rolls what it holds.
 *
 * @param directory        the Chronicle Queue directory: one {@code yyyyMMddF.cq4} file per business day.
 * @param durability       what an appended record survives; {@link Durability#PROCESS_CRASH_SAFE} by default.
 * @param cutoff           local time at which the business day closes: events at or after it belong to the next
 *                         day (CUPS closes at 23:00). See {@link BusinessDay}.
 * @param zone             the zone the cutoff is read in.
 * @param panEncryptionKey 32 bytes, the AES-256 key PANs are encrypted under (AES-GCM).
 * @param panHashKey       32 bytes, the HMAC-SHA-256 key of the PAN look-up hash; it must differ from the
 *                         encryption key, so that each key serves one purpose (NIST SP 800-57 §5.2).
 * @param dialects         the dialect table: a record names each message's dialect by its index here, so entries
 *                         may be appended but never reordered or removed while a journal written with them is read.
 */
public record JournalConfig(
    Path directory,
    Durability durability,
    LocalTime cutoff,
    ZoneId zone,
    byte[] panEncryptionKey,
    byte[] panHashKey,
    List<Dialect> dialects)
{
    public static final int KEY_LENGTH = 32;
    /** Dialect ids are stored in two bytes. */
    public static final int MAX_DIALECTS = Short.MAX_VALUE;

    public JournalConfig
    {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(cutoff, "cutoff");
        Objects.requireNonNull(zone, "zone");
        panEncryptionKey = key(panEncryptionKey, "panEncryptionKey");
        panHashKey = key(panHashKey, "panHashKey");
        dialects = List.copyOf(dialects);
        if (dialects.isEmpty() || dialects.size() > MAX_DIALECTS)
        {
            throw new IllegalArgumentException("the dialect table needs 1 to " + MAX_DIALECTS + " dialects, not " + dialects.size());
        }
        if (Arrays.equals(panEncryptionKey, panHashKey))
        {
            throw new IllegalArgumentException("the PAN encryption key and the PAN hash key must differ");
        }
    }

    /** A process-crash-safe journal. */
    public static JournalConfig of(
        final Path directory, final LocalTime cutoff, final ZoneId zone, final byte[] panEncryptionKey, final byte[] panHashKey,
        final List<Dialect> dialects)
    {
        return new JournalConfig(directory, Durability.PROCESS_CRASH_SAFE, cutoff, zone, panEncryptionKey, panHashKey, dialects);
    }

    public JournalConfig withDurability(final Durability newDurability)
    {
        return new JournalConfig(directory, newDurability, cutoff, zone, panEncryptionKey, panHashKey, dialects);
    }

    /** A copy: the config's own key never leaves it. */
    @Override
    public byte[] panEncryptionKey()
    {
        return panEncryptionKey.clone();
    }

    /** A copy: the config's own key never leaves it. */
    @Override
    public byte[] panHashKey()
    {
        return panHashKey.clone();
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof JournalConfig that && directory.equals(that.directory) && durability == that.durability &&
            cutoff.equals(that.cutoff) && zone.equals(that.zone) && Arrays.equals(panEncryptionKey, that.panEncryptionKey) &&
            Arrays.equals(panHashKey, that.panHashKey) && dialects.equals(that.dialects);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(directory, durability, cutoff, zone, dialects);
    }

    /** Keys are never printed. */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("JournalConfig[directory=").append(directory)
            .append(", durability=").append(durability).append(", cutoff=").append(cutoff).append(' ').append(zone)
            .append(", keys=[hidden], dialects=");
        for (int i = 0; i < dialects.size(); i++)
        {
            sb.append(i == 0 ? "" : ",").append(i).append(':').append(dialects.get(i).name());
        }
        return sb.append(']').toString();
    }

    private static byte[] key(final byte[] key, final String name)
    {
        Objects.requireNonNull(key, name);
        if (key.length != KEY_LENGTH)
        {
            throw new IllegalArgumentException(name + " must be " + KEY_LENGTH + " bytes, not " + key.length);
        }
        return key.clone();
    }
}
