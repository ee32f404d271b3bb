package io.interchange.engine.switching;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;

/**
 * The journal names an issuer, and the listener a message came in on, by its place in the config's list: the decision's
 * issuer and endpoint words. A run under a config whose issuers begin otherwise (one inserted before another, two
 * swapped, one removed) would take one issuer's records for another's: recovery would send a timed-out request's 0420
 * and a stand-in's advice to an issuer that never had them, and clearing would settle a day's transactions with the
 * wrong issuer. So each run journals how many issuers and listeners it had and a hash of their names in order
 * ({@link Decision#RUN_LENGTH}), and a later start, or clearing, under a config that does not begin with them refuses,
 * saying what to keep. Adding issuers or listeners after the journal's is what a config may do.
 */
public final class EndpointOrder
{
    private EndpointOrder()
    {
    }

    /** CRC-32C of the first {@code count} names, each as UTF-8 and a 0 byte. */
    public static int hash(final List<String> names, final int count)
    {
        final CRC32C crc = new CRC32C();
        for (int i = 0; i < count; i++)
        {
            crc.update(names.get(i).getBytes(StandardCharsets.UTF_8));
            crc.update(0);
        }
        return (int)crc.getValue();
    }

    /**
     * Null when {@code issuerIds} and {@code listenerNames} begin with the issuers and listeners of the run whose
     * {@code NODE_START} decision is at {@code offset} ({@code length} bytes; a journal of a build before this check
     * says nothing, and passes), in their order; else what is wrong, one line that starts with the config key.
     */
    public static String mismatch(
        final DirectBuffer buffer, final int offset, final int length, final long startNanos, final List<String> issuerIds,
        final List<String> listenerNames)
    {
        if (length < Decision.RUN_LENGTH)
        {
            return null;
        }
        final String issuers = mismatch("issuers", "issuer", Decision.runIssuers(buffer, offset), Decision.runIssuersHash(buffer, offset),
            startNanos, issuerIds);
        return issuers != null ? issuers :
            mismatch("listeners", "listener", Decision.runListeners(buffer, offset), Decision.runListenersHash(buffer, offset), startNanos, listenerNames);
    }

    private static String mismatch(
        final String key, final String what, final int count, final int hash, final long startNanos, final List<String> names)
    {
        if (count <= names.size() && hash(names, count) == hash)
        {
            return null;
        }
        final String run = "the journal's run started " + Instant.ofEpochSecond(0, startNanos) + " had " + count + " " + what + (count == 1 ? "" : "s");
        final String here = count <= names.size() ?
            "this config's first " + count + " (" + String.join(", ", names.subList(0, count)) + ") are not those, in that order" :
            "this config has " + names.size() + " (" + String.join(", ", names) + ")";
        return key + ": " + run + ", and " + here + ": the journal names each " + what + " by its place in this list, so one it has cannot " +
            "move or go; keep the journal's " + key + " first, in their order, and add new ones after them";
    }
}
