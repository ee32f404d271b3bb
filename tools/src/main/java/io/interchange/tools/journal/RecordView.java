package io.interchange.tools.journal;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * One journal record as the journal commands show it: the event, its messages' MTIs and key fields, and the switch's
 * decision. Plain text throughout, PAN masked; a field the record does not hold is the empty string.
 *
 * <p>Key fields come from the input message when it has them, else from the first output that does: an issuer's
 * answer carries the switch's own STAN, and its relay to the terminal the terminal's fields.
 *
 * @param index        the record's queue index (where {@code JournalReader.toIndex} finds it).
 * @param sequence     the ring sequence, as stored (for a corrupt record, possibly the damaged bytes).
 * @param time         when the event entered the switch.
 * @param businessDay  the business day the record is journaled in.
 * @param corrupt      the checksum does not hold: nothing else of the record is shown.
 * @param event        the event type's name (ACQUIRER_MESSAGE, ISSUER_MESSAGE, TICK...).
 * @param link         the connection id the event came from, -1 for none.
 * @param endpoint     the listener or issuer of that link, from the decision; empty for none.
 * @param mti          the input message's MTI; empty without input, {@code withheld} for one that did not parse.
 * @param outputs      the MTIs of the messages sent, in order.
 * @param pan          the card number, first six and last four digits only.
 * @param responseCode the response code of the decision (the switch's own answer or the one it relayed).
 * @param outcome      what the switch did (ANSWERED, FORWARDED, RELAYED, TIMED_OUT...).
 * @param issuer       the issuer the transaction was routed to, empty for none.
 */
public record RecordView(
    long index,
    long sequence,
    Instant time,
    LocalDate businessDay,
    boolean corrupt,
    String event,
    int link,
    String endpoint,
    String mti,
    List<String> outputs,
    String pan,
    String processingCode,
    String amount,
    String currency,
    String stan,
    String rrn,
    String authCode,
    String terminal,
    String merchant,
    String responseCode,
    String outcome,
    String issuer)
{
    /** The columns of {@link #values}, as export writes them. */
    public static final List<String> COLUMNS = List.of(
        "index", "sequence", "time", "business_day", "corrupt", "event", "link", "endpoint", "mti", "outputs", "pan",
        "processing_code", "amount", "currency", "stan", "rrn", "auth_code", "terminal", "merchant", "response_code",
        "outcome", "issuer");

    public RecordView
    {
        outputs = List.copyOf(outputs);
    }

    /** The values in {@link #COLUMNS} order, as text. */
    public List<String> values()
    {
        return List.of(
            "0x" + Long.toHexString(index), Long.toString(sequence), time.toString(), businessDay.toString(), Boolean.toString(corrupt),
            event, Integer.toString(link), endpoint, mti, String.join(" ", outputs), pan, processingCode, amount, currency, stan, rrn,
            authCode, terminal, merchant, responseCode, outcome, issuer);
    }
}
