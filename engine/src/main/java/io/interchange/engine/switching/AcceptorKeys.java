package io.interchange.engine.switching;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.cups.TrackBlock;
import io.interchange.codec.cups.WorkingKeys;
import io.interchange.codec.dialect.KeyExchange;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.security.Hsm;
import io.interchange.engine.security.HsmResult;
import io.interchange.engine.security.KeySlots;
import io.interchange.engine.security.KeyType;
import io.interchange.journal.JournalRecord;

/**
 * The keys the switch shares with its acceptors, and the MACs and PIN key choices made with them: each terminal's
 * working keys from its last sign-on (UnionPay POS, field 62), and each acquirer host's zone keys from its last key
 * change (ISO 8583:1987 0800/101, field 48), with the keys before that change kept for the listener's
 * key-change-grace. The keys themselves are the HSM's, in the slots {@link KeySlots} names; kept here is who holds
 * keys, since when, and the keys as the answers that hand them out carry them. Who may ask for keys, and the answers
 * themselves, are {@link SwitchHandler}'s.
 *
 * <p>Part of the switch handler's state, on its thread only (DESIGN.md §2, one writer), and replayed with it: in
 * replay the keys are the ones the journaled answers carried, and a request's MAC verdict the one journaled with it,
 * as {@link SwitchHandler} tells. Where the MAC goes in a message is {@link MessageMac}'s, the same for issuers.
 */
final class AcceptorKeys
{
    // Its lines are the switch handler's, whose decisions these are: log settings and filters that name it still hold.
    private static final Logger LOG = LoggerFactory.getLogger(SwitchHandler.class);
    private static final int MAX_SIGN_ON = 128;

    private final SwitchSetup setup;
    private final Hsm hsm;
    private final KeySlots slots;
    private final UnsafeBuffer keys = new UnsafeBuffer(new byte[64]);
    // Bytes of field 62 in keys: the last sign-on's layout (WorkingKeys: single length, double length, with a track key).
    private int workingKeysLength = WorkingKeys.DOUBLE_LENGTH;
    private final UnsafeBuffer keyText = new UnsafeBuffer(new byte[KeyExchange.TEXT_LENGTH]);
    // Replay: a journaled sign-on's or key change's answer, read to take the keys it gave.
    private final MessageReader[] recordedAnswers;
    // On a listener that MACs, signed on is the terminal's state, not its link's: it holds the working keys of its
    // last sign-on, whatever link it comes back on, and across a restart (recovery loads the keys again).
    private final boolean[] keyedTerminals;
    // Per keyed terminal, whether its last sign-on gave it a track key (60.3 = 004), with which it may encipher its tracks.
    private final boolean[] trackKeyedTerminals;
    // Per terminal, its last sign-on taken (the request's bytes, MAX_SIGN_ON each, none when longer) and the keys its
    // answer gave (field 62, WorkingKeys.WITH_TRACK_KEY each): a retransmission of it byte for byte gets those keys again.
    private final UnsafeBuffer lastSignOns;
    private final int[] lastSignOnLengths;
    private final UnsafeBuffer lastWorkingKeys;
    private final int[] lastWorkingKeysLengths;
    // On a listener whose acquirer host holds the keys (ISO 8583:1987), the same for the host: it holds the keys of its
    // last key change (0800/101), on every link it has, and across a restart.
    private final boolean[] keyedAcquirers;
    // Per acquirer host, until when (event time) requests MACed with the keys before its last key change are taken.
    private final long[] previousKeysUntil;
    // Whether the first request taken with them since the last key change was logged.
    private final boolean[] previousKeysLogged;
    private long keysNotRestored;
    private final AtomicLong previousKeysTaken = new AtomicLong();
    // This request's MAC held only with its host's keys before the last key change: its PIN block is under those too.
    private boolean previousKeysUsed;

    /**
     * @param hsm   where the keys live and MACs are made and checked; null in a handler without one (no keys, 96).
     * @param slots which slot holds which terminal's or acquirer host's keys.
     */
    AcceptorKeys(final SwitchSetup setup, final Hsm hsm, final KeySlots slots)
    {
        this.setup = setup;
        this.hsm = hsm;
        this.slots = slots;
        final List<Dialect> dialects = setup.dialects();
        recordedAnswers = new MessageReader[dialects.size()];
        for (int i = 0; i < dialects.size(); i++)
        {
            recordedAnswers[i] = new MessageReader(dialects.get(i));
        }
        keyedTerminals = new boolean[setup.acceptors().terminalCount()];
        trackKeyedTerminals = new boolean[keyedTerminals.length];
        lastSignOns = new UnsafeBuffer(new byte[keyedTerminals.length * MAX_SIGN_ON]);
        lastSignOnLengths = new int[keyedTerminals.length];
        lastWorkingKeys = new UnsafeBuffer(new byte[keyedTerminals.length * WorkingKeys.WITH_TRACK_KEY]);
        lastWorkingKeysLengths = new int[keyedTerminals.length];
        keyedAcquirers = new boolean[setup.acquirers().size()];
        previousKeysUntil = new long[setup.acquirers().size()];
        Arrays.fill(previousKeysUntil, Long.MIN_VALUE);
        previousKeysLogged = new boolean[setup.acquirers().size()];
    }

    /** Sign-ons and key changes replayed whose keys could not be restored ({@link SwitchHandler#keysNotRestored()}). */
    long keysNotRestored()
    {
        return keysNotRestored;
    }

    /** Requests taken with their host's keys before its last key change ({@link SwitchHandler#previousKeysTaken()}). */
    long previousKeysTaken()
    {
        return previousKeysTaken.get();
    }

    /** A new event: whether its request was taken with the previous keys is its own, not the last request's. */
    void newEvent()
    {
        previousKeysUsed = false;
    }

    // ---------------------------------------------------------------- terminals: working keys from sign-on

    /** Whether the terminal holds the working keys of a sign-on, made on any link, before a restart too. */
    boolean terminalKeyed(final int terminal)
    {
        return keyedTerminals[terminal];
    }

    /** Whether the terminal holds keys and a track key among them (its last sign-on's 60.3 was 004). */
    boolean terminalTrackKeyed(final int terminal)
    {
        return keyedTerminals[terminal] && trackKeyedTerminals[terminal];
    }

    /**
     * The working keys of a terminal's sign-on, into its slots and {@link #workingKeys}: live new ones from the HSM, in
     * replay the ones the journaled answer carried. Null, and the terminal holds them from now on whatever link it
     * comes on; or the answer that refuses the sign-on. {@code layout}: the field 62 layout its 60.3 asked for
     * ({@link WorkingKeys#layoutFor}: single-length keys, double-length ones, or those and a track key); in replay the
     * journaled answer's layout stands.
     * A retransmission of the sign-on that gave the keys the terminal holds, byte for byte (it timed out waiting for the
     * answer and sent it again), gets those keys again, not new ones: the terminal may take either answer.
     */
    String signOn(final SwitchEvent event, final int terminal, final int layout, final MessageReader request)
    {
        // In replay the journaled answer's keys stand, whatever this build would give: a journal of a build that gave a
        // retransmission new keys recovers the keys its terminal was given.
        if (event.recorded() == null && keyedTerminals[terminal] && sameSignOn(terminal, request))
        {
            workingKeysLength = lastWorkingKeysLengths[terminal];
            keys.putBytes(0, lastWorkingKeys, terminal * WorkingKeys.WITH_TRACK_KEY, workingKeysLength);
            return null;
        }
        final String refusal = event.recorded() == null ? newWorkingKeys(terminal, layout) : recordedWorkingKeys(event, terminal);
        lastSignOnLengths[terminal] = 0;
        if (refusal == null)
        {
            keyedTerminals[terminal] = true;
            trackKeyedTerminals[terminal] = workingKeysLength == WorkingKeys.WITH_TRACK_KEY;
            if (request.length() <= MAX_SIGN_ON)
            {
                lastSignOns.putBytes(terminal * MAX_SIGN_ON, request.buffer(), request.offset(), request.length());
                lastSignOnLengths[terminal] = request.length();
                lastWorkingKeys.putBytes(terminal * WorkingKeys.WITH_TRACK_KEY, keys, 0, workingKeysLength);
                lastWorkingKeysLengths[terminal] = workingKeysLength;
            }
        }
        return refusal;
    }

    /** Whether the request is byte for byte the terminal's last sign-on taken. */
    private boolean sameSignOn(final int terminal, final MessageReader request)
    {
        final int length = lastSignOnLengths[terminal];
        if (length == 0 || request.length() != length)
        {
            return false;
        }
        final DirectBuffer buffer = request.buffer();
        final int at = terminal * MAX_SIGN_ON;
        for (int i = 0; i < length; i++)
        {
            if (lastSignOns.getByte(at + i) != buffer.getByte(request.offset() + i))
            {
                return false;
            }
        }
        return true;
    }

    /** The keys the last sign-on gave, as field 62 carries them: under the terminal's master key, check values beside. */
    DirectBuffer workingKeys()
    {
        return keys;
    }

    /** Bytes of {@link #workingKeys}: one of the {@link WorkingKeys} layouts. */
    int workingKeysLength()
    {
        return workingKeysLength;
    }

    /** A terminal signed off: a request from it gets 91 until it signs on again. */
    void signOff(final int terminal)
    {
        keyedTerminals[terminal] = false;
        lastSignOnLengths[terminal] = 0;
    }

    /** New working keys from the HSM into the terminal's slots and {@link #keys}: null, or the answer that refuses the sign-on. */
    private String newWorkingKeys(final int terminal, final int layout)
    {
        if (hsm == null)
        {
            return ResponseCode.SYSTEM_MALFUNCTION;
        }
        final HsmResult result = hsm.generateWorkingKeys(slots.terminalMasterKey(terminal), slots.terminalPinKey(terminal),
            slots.terminalMacKey(terminal), slots.terminalTrackKey(terminal), layout, keys, 0);
        if (result != HsmResult.OK)
        {
            LOG.warn("sign-on of terminal index {}: working keys not made: {}", terminal, result);
            return result == HsmResult.KEY_NOT_FOUND ? ResponseCode.NOT_PERMITTED_TO_TERMINAL : ResponseCode.SYSTEM_MALFUNCTION;
        }
        workingKeysLength = layout;
        return null;
    }

    /**
     * Replay: the working keys the sign-on gave the terminal, loaded from its journaled answer (the 0810's field 62,
     * under the terminal's master key, check values beside) into the terminal's slots and {@link #keys}. New keys
     * would be keys the terminal never got: the answer and every MAC after it would differ. Returns null, or the
     * answer that refuses the sign-on: the same as then when the journaled answer refused it (no keys in it), else 96,
     * the sign-on counted in {@link #keysNotRestored} and logged, never a quiet difference.
     */
    private String recordedWorkingKeys(final SwitchEvent event, final int terminal)
    {
        final JournalRecord recorded = event.recorded();
        final int part = JournalRecord.output(0);
        final MessageReader answer = recordedAnswers[event.dialectId()];
        if (recorded.outputCount() == 0 || recorded.isWithheld(part) || recorded.dialectId(part) != event.dialectId() ||
            answer.wrap(recorded.buffer(), recorded.messageOffset(part), recorded.messageLength(part)) != DecodeError.NONE ||
            answer.mti() != Mti.NETWORK_MANAGEMENT_RESPONSE)
        {
            return keysNotRestored(event, terminal, "no sign-on answer in its journal record");
        }
        if (!answer.has(WorkingKeys.FIELD))
        {
            // Refused then, so no keys were given: 58 when the terminal had no master key, 96 when the HSM failed.
            return answer.has(39) && answer.charAt(39, 0) == '5' && answer.charAt(39, 1) == '8' ?
                ResponseCode.NOT_PERMITTED_TO_TERMINAL : ResponseCode.SYSTEM_MALFUNCTION;
        }
        final int length = answer.valueLength(WorkingKeys.FIELD);
        if (hsm == null || !WorkingKeys.isLayout(length))
        {
            return keysNotRestored(event, terminal, hsm == null ? "no HSM" : "field 62 is neither layout this switch sends");
        }
        answer.getBytes(WorkingKeys.FIELD, keys, 0);
        workingKeysLength = length;
        final HsmResult result = hsm.importWorkingKeys(slots.terminalMasterKey(terminal), slots.terminalPinKey(terminal),
            slots.terminalMacKey(terminal), slots.terminalTrackKey(terminal), keys, 0, length);
        return result == HsmResult.OK ? null : keysNotRestored(event, terminal, result);
    }

    /** A replayed sign-on whose keys cannot be loaded: counted and logged; the terminal holds keys this switch has not. */
    private String keysNotRestored(final SwitchEvent event, final int terminal, final Object why)
    {
        keysNotRestored++;
        keyedTerminals[terminal] = false;
        LOG.error("replay of event {}: the working keys terminal index {} got at sign-on cannot be restored from the journal ({}): it must sign on again",
            event.sequence(), terminal, why);
        return ResponseCode.SYSTEM_MALFUNCTION;
    }

    // ---------------------------------------------------------------- acquirer hosts: zone keys from key change

    /** Whether the acquirer host holds the keys of a key change, made on any of its links, before a restart too. */
    boolean acquirerKeyed(final int acquirer)
    {
        return keyedAcquirers[acquirer];
    }

    /**
     * A key change's own MAC, which a host that holds keys must make with them ({@link SwitchHandler} says why): null
     * when the change may go on, else the answer that refuses it. A host that holds none yet asks without.
     */
    String keyChangeMacRefusal(final SwitchEvent event, final MessageReader request, final int acquirer)
    {
        final JournalRecord recorded = event.recorded();
        // In replay the journaled verdict stands, whether or not the keys it was judged with could be restored.
        if (!keyedAcquirers[acquirer] && recorded == null)
        {
            return null;
        }
        final String macRefusal = recorded == null ? macRefusal(request, slots.acquirerMacKey(acquirer)) : recordedMacRefusal(recorded);
        if (macRefusal != null && recorded == null)
        {
            LOG.warn("key change on listener {} link {} refused: {} (the host holds keys, and must MAC with them to change them)",
                setup.acquirers().get(acquirer).name(), event.linkId(), macRefusal);
        }
        return macRefusal;
    }

    /**
     * The keys of a key change, into the acquirer's slots and as field 48 carries them ({@link #keyText}): live new ones
     * from the HSM, in replay the ones the journaled answer carried; those they replace kept for the listener's
     * key-change-grace, where it has one. Null, or the answer that refuses the change, and then the host holds no keys.
     */
    String changeKeys(final SwitchEvent event, final int acquirer)
    {
        final long grace = setup.acquirers().get(acquirer).keyChangeGraceNanos();
        final boolean previousKept = grace > 0 && keyedAcquirers[acquirer] && keepPreviousKeys(acquirer);
        final String refusal = event.recorded() == null ? newZoneKeys(acquirer) : recordedZoneKeys(event, acquirer);
        if (refusal != null)
        {
            keyedAcquirers[acquirer] = false;
            dropPreviousKeys(acquirer);
            return refusal;
        }
        keyedAcquirers[acquirer] = true;
        if (previousKept)
        {
            previousKeysUntil[acquirer] = event.timestampNanos() + grace;
            previousKeysLogged[acquirer] = false;
        }
        else
        {
            dropPreviousKeys(acquirer);
        }
        KeyExchange.toText(keys, 0, keyText, 0);
        return null;
    }

    /** The keys the last key change gave, as field 48 carries them ({@link KeyExchange#TEXT_LENGTH} characters). */
    DirectBuffer keyText()
    {
        return keyText;
    }

    /** At a tick: the keys before a key change whose grace is over leave the HSM. */
    void dropExpiredPreviousKeys(final long now)
    {
        for (int acquirer = 0; acquirer < previousKeysUntil.length; acquirer++)
        {
            if (previousKeysUntil[acquirer] != Long.MIN_VALUE && now >= previousKeysUntil[acquirer])
            {
                dropPreviousKeys(acquirer);
            }
        }
    }

    /**
     * The acquirer's MAC and PIN keys copied to its slots for the keys before a key change, inside the HSM (under its
     * LMK); false when either cannot be, and then no request is taken with them.
     */
    private boolean keepPreviousKeys(final int acquirer)
    {
        if (hsm == null)
        {
            return false;
        }
        final byte[] macKey = hsm.keyUnderLmk(slots.acquirerMacKey(acquirer));
        final byte[] pinKey = hsm.keyUnderLmk(slots.acquirerPinKey(acquirer));
        final HsmResult kept = macKey == null || pinKey == null ? HsmResult.KEY_NOT_FOUND :
            hsm.loadKey(slots.acquirerPreviousMacKey(acquirer), macKey) != HsmResult.OK ? HsmResult.INVALID_INPUT :
            hsm.loadKey(slots.acquirerPreviousPinKey(acquirer), pinKey);
        if (kept != HsmResult.OK)
        {
            LOG.warn("key change of listener {}: the keys before it not kept ({}): requests MACed with them get A0",
                setup.acquirers().get(acquirer).name(), kept);
            return false;
        }
        return true;
    }

    /** The acquirer's keys before its last key change out of the HSM: the grace is over, or there is none. */
    private void dropPreviousKeys(final int acquirer)
    {
        previousKeysUntil[acquirer] = Long.MIN_VALUE;
        if (hsm != null)
        {
            hsm.deleteKey(slots.acquirerPreviousMacKey(acquirer));
            hsm.deleteKey(slots.acquirerPreviousPinKey(acquirer));
        }
    }

    /** New MAC and PIN keys from the HSM into the acquirer's slots and {@link #keys}: null, or the answer that refuses the change. */
    private String newZoneKeys(final int acquirer)
    {
        if (hsm == null)
        {
            return ResponseCode.SYSTEM_MALFUNCTION;
        }
        final int masterKey = slots.acquirerMasterKey(acquirer);
        HsmResult result = hsm.generateKey(slots.acquirerMacKey(acquirer), setup.acquirers().get(acquirer).hostMacKey(), KeyExchange.KEY_LENGTH,
            masterKey, keys, KeyExchange.MAC_KEY);
        if (result == HsmResult.OK)
        {
            result = hsm.generateKey(slots.acquirerPinKey(acquirer), KeyType.PIN_ENCRYPTION, KeyExchange.KEY_LENGTH, masterKey, keys, KeyExchange.PIN_KEY);
        }
        if (result != HsmResult.OK)
        {
            LOG.warn("key change of listener {}: keys not made: {}", setup.acquirers().get(acquirer).name(), result);
            return ResponseCode.SYSTEM_MALFUNCTION;
        }
        return null;
    }

    /**
     * Replay: the keys the key change gave the acquirer, loaded from its journaled answer (the 0810's field 48, under
     * the zone master key, check values beside) into the acquirer's slots and {@link #keys}, as
     * {@link #recordedWorkingKeys} does for a terminal's sign-on. Returns null, or the answer that refuses the change:
     * 96 as then when the journaled answer carried no keys, else 96 counted in {@link #keysNotRestored} and logged.
     */
    private String recordedZoneKeys(final SwitchEvent event, final int acquirer)
    {
        final JournalRecord recorded = event.recorded();
        final int part = JournalRecord.output(0);
        final MessageReader answer = recordedAnswers[event.dialectId()];
        final String listener = setup.acquirers().get(acquirer).name();
        if (recorded.outputCount() == 0 || recorded.isWithheld(part) || recorded.dialectId(part) != event.dialectId() ||
            answer.wrap(recorded.buffer(), recorded.messageOffset(part), recorded.messageLength(part)) != DecodeError.NONE ||
            answer.mti() != Mti.NETWORK_MANAGEMENT_RESPONSE)
        {
            return zoneKeysNotRestored(event, listener, "no key change answer in its journal record");
        }
        if (!answer.has(KeyExchange.FIELD))
        {
            return ResponseCode.SYSTEM_MALFUNCTION;
        }
        if (hsm == null || !KeyExchange.read(answer, keys, 0))
        {
            return zoneKeysNotRestored(event, listener, hsm == null ? "no HSM" : "field 48 is not the layout this switch sends");
        }
        final int masterKey = slots.acquirerMasterKey(acquirer);
        HsmResult result = hsm.importKey(slots.acquirerMacKey(acquirer), setup.acquirers().get(acquirer).hostMacKey(), masterKey, keys,
            KeyExchange.MAC_KEY, KeyExchange.KEY_LENGTH, keys, KeyExchange.MAC_KEY_CHECK, KeyExchange.CHECK_LENGTH);
        if (result == HsmResult.OK)
        {
            result = hsm.importKey(slots.acquirerPinKey(acquirer), KeyType.PIN_ENCRYPTION, masterKey, keys, KeyExchange.PIN_KEY,
                KeyExchange.KEY_LENGTH, keys, KeyExchange.PIN_KEY_CHECK, KeyExchange.CHECK_LENGTH);
        }
        return result == HsmResult.OK ? null : zoneKeysNotRestored(event, listener, result);
    }

    private String zoneKeysNotRestored(final SwitchEvent event, final String listener, final Object why)
    {
        keysNotRestored++;
        LOG.error("replay of event {}: the keys listener {}'s acquirer host got at key change cannot be restored from the journal ({}): " +
            "it must change keys again", event.sequence(), listener, why);
        return ResponseCode.SYSTEM_MALFUNCTION;
    }

    // ---------------------------------------------------------------- MACs and PIN keys

    /**
     * A request's MAC on a listener whose terminals MAC, with the working keys of the terminal's sign-on (-1 when the
     * terminal is unknown: A0): null when it holds, else the answer ({@link #macRefusal}). In replay the journaled
     * verdict stands: the request comes back without its track data and PIN block, which the MAC covers.
     */
    String terminalMacRefusal(final SwitchEvent event, final MessageReader request, final int terminal)
    {
        final int macKey = terminal < 0 || slots == null ? -1 : slots.terminalMacKey(terminal);
        final JournalRecord recorded = event.recorded();
        return recorded == null ? macRefusal(request, macKey) : recordedMacRefusal(recorded);
    }

    /**
     * A request's MAC on a listener whose acquirer host holds the keys, as {@link #terminalMacRefusal} does for a
     * terminal's. Within the listener's key-change-grace a MAC under the keys before the last key change holds too, and
     * then the request's PIN block is taken as under those ({@link #pinKey}).
     */
    String hostMacRefusal(final SwitchEvent event, final MessageReader request, final int acquirer)
    {
        final int macKey = slots.acquirerMacKey(acquirer);
        final JournalRecord recorded = event.recorded();
        String refusal = recorded == null ? macRefusal(request, macKey) : recordedMacRefusal(recorded);
        if (recorded == null && ResponseCode.MAC_FAILURE.equals(refusal) &&
            event.timestampNanos() < previousKeysUntil[acquirer] && macRefusal(request, slots.acquirerPreviousMacKey(acquirer)) == null)
        {
            // Sent by the host with the keys before its key change, within the listener's grace: its PIN block too.
            refusal = null;
            previousKeysUsed = true;
            previousKeysTaken.lazySet(previousKeysTaken.get() + 1);
            if (!previousKeysLogged[acquirer])
            {
                previousKeysLogged[acquirer] = true;
                LOG.info("listener {} link {}: a request MACed with the keys before the last key change taken, within its key-change-grace; " +
                    "such requests are counted ({} since start)", setup.acquirers().get(acquirer).name(), event.linkId(), previousKeysTaken.get());
            }
        }
        return refusal;
    }

    /** The MAC verdict journaled with a request, which replay takes as it stands. */
    private static String recordedMacRefusal(final JournalRecord recorded)
    {
        return recorded.decisionLength() >= Decision.LENGTH ? Decision.macRefusal(recorded.buffer(), recorded.decisionOffset()) : null;
    }

    /**
     * The request's MAC (field 64, or 128 after a secondary bitmap) checked with the MAC key in slot {@code macKey}
     * over the message up to it: null when it holds, else the answer: A0 when it is missing or wrong (or there is no
     * key: {@code macKey} -1, the terminal unknown), 96 when the HSM fails (DESIGN.md §5).
     */
    private String macRefusal(final MessageReader request, final int macKey)
    {
        final int field = MessageMac.field(request);
        if (!request.has(field) || macKey < 0)
        {
            return ResponseCode.MAC_FAILURE;
        }
        if (hsm == null)
        {
            return ResponseCode.SYSTEM_MALFUNCTION;
        }
        final HsmResult result = hsm.verifyMac(macKey, request.buffer(), request.offset(),
            request.rawOffset(field) - request.offset(), request.buffer(), request.valueOffset(field));
        return switch (result)
        {
            case OK -> null;
            case MAC_MISMATCH, KEY_NOT_FOUND, KEY_TYPE_MISMATCH -> ResponseCode.MAC_FAILURE;
            default -> ResponseCode.SYSTEM_MALFUNCTION;
        };
    }

    /**
     * Deciphers in place the block of a track the terminal enciphered with the track key of its sign-on
     * ({@link TrackBlock}, {@link Hsm#decryptData}). In replay the request comes back without
     * its track, and nothing is deciphered.
     */
    HsmResult decipherTrackBlock(final int terminal, final MutableDirectBuffer frame, final int offset)
    {
        return hsm == null ? HsmResult.KEY_NOT_FOUND :
            hsm.decryptData(slots.terminalTrackKey(terminal), frame, offset, TrackBlock.LENGTH);
    }

    /**
     * An answer's MAC with the acquirer host's MAC key ({@link MessageMac#append}); one before its first key change goes
     * without, as it holds no key to check it with. Returns the answer's length, with the MAC when one was added.
     */
    int hostMac(final int acquirer, final Dialect dialect, final MutableDirectBuffer out, final int offset, final int length)
    {
        return keyedAcquirers[acquirer] ? MessageMac.append(hsm, slots.acquirerMacKey(acquirer), dialect, out, offset, length) : length;
    }

    /**
     * An answer's MAC with the terminal's MAC key ({@link MessageMac#append}); an answer to an unknown terminal (-1) goes
     * without. Returns the answer's length, with the MAC when one was added.
     */
    int terminalMac(final int terminal, final Dialect dialect, final MutableDirectBuffer out, final int offset, final int length)
    {
        return terminal < 0 ? length : MessageMac.append(hsm, slots.terminalMacKey(terminal), dialect, out, offset, length);
    }

    /**
     * The slot of the key a request's PIN block is under: the terminal's PIN key from its sign-on, or the acquirer
     * host's zone PIN key, the one before its last key change when the request's MAC held only with those
     * ({@link #hostMacRefusal}).
     */
    int pinKey(final boolean hostKeyed, final int acquirer, final int terminal)
    {
        return !hostKeyed ? slots.terminalPinKey(terminal) :
            previousKeysUsed ? slots.acquirerPreviousPinKey(acquirer) : slots.acquirerPinKey(acquirer);
    }
}
