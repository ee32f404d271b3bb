package io.interchange.tools.journal;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.UnsafeBuffer;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.frame.Framing;
import io.interchange.engine.config.ListenerConfig;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.switching.Decision;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.tools.InputException;
import io.interchange.tools.issuer.DurationText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code interchange journal replay --to HOST:PORT}: re-drives the requests acquirers sent one listener, as the journal
 * gives them back ({@link JournalRecord#restoreMessage}), to a switch on this machine, e.g. a staging switch trying a
 * new config on yesterday's traffic. One connection: it signs on first (0800, 70=001), then sends each request at the
 * pace it arrived ({@code --speed 2} twice as fast, {@code --speed 0} as fast as it can), and counts the answers.
 *
 * <p>What is re-sent is what the journal holds (DESIGN.md §7), which is less than the terminal sent:
 * <ul>
 * <li>no track data (35, 36, 45) and no PIN block (52): a request is sent without them, so a switch that needs them
 *     declines it; a swipe, whose card number was only in its track 2, is not sent at all, and is counted;</li>
 * <li>a request that did not parse was journaled as a summary only, and is skipped and counted;</li>
 * <li>a record whose checksum does not hold is skipped and counted, and the exit code is 1 all the same;</li>
 * <li>MACs (64, 128) are sent as journaled, so a listener with {@code mac = true} answers A0;</li>
 * <li>fields 7 and 11 are the original's, so a switch that checks field 7's window may answer 94 to an old day.</li>
 * </ul>
 * Only loopback addresses are accepted, and only listeners without a fixed header (ISO 8583:1987): the UnionPay
 * TPDU is not journaled. Exit 0 when every request sent was answered within {@code --timeout} of the last, else 1.
 */
@Command(name = "replay", description = {
    "Re-drive the journaled acquirer requests of one listener to a switch on 127.0.0.1, signing on first, at the original pace or scaled.",
    "Track data and PIN blocks are not in the journal and so are not re-sent; swipes (card number only in track 2) are skipped."})
public final class ReplayCommand implements Callable<Integer>
{
    private static final DateTimeFormatter FIELD_7 = DateTimeFormatter.ofPattern("MMddHHmmss");
    private static final int SIGN_ON_STAN = 999_999;
    private static final long POLL_NANOS = 1_000_000;

    @Spec
    private CommandSpec spec;

    @Mixin
    private JournalSource source;

    @Mixin
    private RecordFilter filter;

    @Option(names = "--to", paramLabel = "HOST:PORT", required = true, description = "The switch to send to; a loopback address.")
    private String to;

    @Option(names = "--speed", paramLabel = "X", defaultValue = "1",
        description = "Pace: 1 as journaled, 2 twice as fast, 0.5 half as fast, 0 without pauses (default: ${DEFAULT-VALUE}).")
    private double speed;

    @Option(names = "--listener", paramLabel = "NAME", description = "The listener whose requests are sent (default: the config's first).")
    private String listenerName;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
        description = "How long to wait for answers, e.g. 10s or 500ms; a bare number is seconds (default: ${DEFAULT-VALUE}).")
    private String timeoutText;
    private Duration timeout;

    /** What was re-sent and answered, and the corrupt records read, the first by its queue index. */
    record Totals(long sent, long answered, long withheld, long swipes, long corrupt, long firstCorrupt, Map<String, Long> codes)
    {
    }

    @Override
    public Integer call() throws IOException
    {
        if (!(speed >= 0) || Double.isInfinite(speed))
        {
            throw new InputException("--speed " + speed + ": a factor of 0 or more (0: without pauses)");
        }
        try
        {
            // As load's and issuer-sim's durations; a bare number of seconds, this option's only form once, still reads.
            timeout = timeoutText.chars().allMatch(Character::isDigit) && !timeoutText.isEmpty() ? Duration.ofSeconds(Long.parseLong(timeoutText)) :
                DurationText.parse(timeoutText);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new InputException("--timeout: " + ex.getMessage());
        }
        if (timeout.toMillis() < 1)
        {
            throw new InputException("--timeout " + timeoutText + ": at least 1ms");
        }
        final InetSocketAddress target = loopback(to);
        final SwitchConfig config = source.config();
        final ListenerConfig listener = listener(config);
        final int endpoint = config.listeners().indexOf(listener);
        final JournalConfig journal = source.journalConfig();
        final int dialectId = journal.dialects().indexOf(listener.dialect());
        filter.resolve(config.businessDay().zone());
        final RecordDecoder decoder = new RecordDecoder(config, journal.dialects());

        final PrintWriter out = spec.commandLine().getOut();
        final long started = System.nanoTime();
        final Totals totals;
        final String failure;
        try (Socket socket = new Socket())
        {
            try
            {
                socket.connect(target, (int)Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            }
            catch (final IOException ex)
            {
                throw new InputException("cannot connect to " + to + ": " + ex.getMessage());
            }
            socket.setTcpNoDelay(true);
            final Link link = new Link(socket, listener.dialect(), listener.framing());
            link.start();
            totals = drive(link, journal, decoder, endpoint, dialectId, listener);
            failure = link.failure();
        }
        final long millis = (System.nanoTime() - started) / 1_000_000;
        out.printf("replayed %d requests of listener %s to %s in %d ms: %d answered%n", totals.sent(), listener.name(), to, millis,
            totals.answered());
        final StringBuilder codes = new StringBuilder();
        totals.codes().forEach((code, n) -> codes.append(codes.length() == 0 ? "" : ", ").append(code).append(' ').append(n));
        out.printf("response codes: %s%n", codes.length() == 0 ? "none" : codes);
        out.printf("not re-sent: %d withheld (did not parse), %d swipes (card number only in track 2, which the journal never holds), " +
            "%d corrupt (checksum does not hold)%n", totals.withheld(), totals.swipes(), totals.corrupt());
        if (totals.answered() < totals.sent())
        {
            out.printf("FAILED: %d requests not answered within %s%s%n", totals.sent() - totals.answered(), timeoutText,
                failure == null ? "" : " (" + failure + ")");
            out.flush();
            return 1;
        }
        out.flush();
        return Records.exitCode(spec, totals.corrupt(), totals.firstCorrupt());
    }

    private Totals drive(
        final Link link, final JournalConfig journal, final RecordDecoder decoder, final int endpoint, final int dialectId,
        final ListenerConfig listener) throws IOException
    {
        link.signOn(timeout);
        final UnsafeBuffer message = new UnsafeBuffer(new byte[listener.framing().maxFrameLength()]);
        long sent = 0;
        long withheld = 0;
        long swipes = 0;
        long corrupt = 0;
        long firstCorrupt = -1;
        long firstNanos = Long.MIN_VALUE;
        final long start = System.nanoTime();
        try (JournalReader reader = source.open())
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                if (!record.checksumValid())
                {
                    // Perhaps a request of this listener: which, its damaged bytes cannot say.
                    if (corrupt++ == 0)
                    {
                        firstCorrupt = record.index();
                    }
                    continue;
                }
                if (record.eventType() != EventType.ACQUIRER_MESSAGE || !record.hasInput() ||
                    record.decisionLength() < Decision.LENGTH || Decision.endpoint(record.buffer(), record.decisionOffset()) != endpoint ||
                    !filter.test(decoder.view(record)))
                {
                    continue;
                }
                if (record.isWithheld(JournalRecord.INPUT))
                {
                    withheld++;
                    continue;
                }
                final MessageReader input = decoder.read(record, JournalRecord.INPUT);
                if (input == null || !Mti.isRequest(input.mti()) || record.dialectId(JournalRecord.INPUT) != dialectId)
                {
                    continue;
                }
                if (record.isPanFromTrack(JournalRecord.INPUT))
                {
                    swipes++;
                    continue;
                }
                if (firstNanos == Long.MIN_VALUE)
                {
                    firstNanos = record.timestampNanos();
                }
                if (speed > 0)
                {
                    final long due = start + (long)((record.timestampNanos() - firstNanos) / speed);
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime())
                    {
                        LockSupport.parkNanos(wait);
                    }
                }
                final int length = record.restoreMessage(JournalRecord.INPUT, message, 0);
                try
                {
                    link.send(message, length);
                }
                catch (final IOException ex)
                {
                    // The switch went away: what was sent is still counted, and the report says why it stopped.
                    link.failed("sending failed after " + sent + " requests: " + ex.getMessage());
                    break;
                }
                sent++;
            }
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (link.answered() < sent && System.nanoTime() < deadline && link.failure() == null)
        {
            LockSupport.parkNanos(POLL_NANOS);
        }
        return new Totals(sent, Math.min(sent, link.answered()), withheld, swipes, corrupt, firstCorrupt, new TreeMap<>(link.codes()));
    }

    private ListenerConfig listener(final SwitchConfig config)
    {
        final ListenerConfig listener;
        try
        {
            listener = listenerName == null ? config.listeners().get(0) : config.listener(listenerName);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new InputException("--listener " + listenerName + ": the config has no such listener");
        }
        if (listener.framing().headerLength() != 0)
        {
            throw new InputException("listener " + listener.name() + " frames messages with a " + listener.framing().headerLength() +
                "-byte header (UnionPay TPDU) that the journal does not keep: replay re-drives ISO 8583:1987 listeners only");
        }
        return listener;
    }

    /** HOST:PORT on this machine: replay must not reach a production switch by a slip of the keyboard. */
    static InetSocketAddress loopback(final String hostPort)
    {
        final int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1)
        {
            throw new InputException("--to " + hostPort + ": write HOST:PORT, e.g. 127.0.0.1:8583");
        }
        final int port;
        try
        {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new InputException("--to " + hostPort + ": the port is not a number");
        }
        if (port < 1 || port > 65_535)
        {
            throw new InputException("--to " + hostPort + ": port " + port + " is not 1 to 65535");
        }
        final InetAddress address;
        try
        {
            address = InetAddress.getByName(hostPort.substring(0, colon));
        }
        catch (final UnknownHostException ex)
        {
            throw new InputException("--to " + hostPort + ": unknown host");
        }
        if (!address.isLoopbackAddress())
        {
            throw new InputException("--to " + hostPort + ": replay sends only to a loopback address (127.0.0.1), not " + address.getHostAddress());
        }
        return new InetSocketAddress(address, port);
    }

    /** One connection to the switch: frames out from the caller's thread, answers read and counted on a thread of its own. */
    private static final class Link
    {
        private final Socket socket;
        private final Dialect dialect;
        private final Framing framing;
        private final OutputStream out;
        private final DataInputStream in;
        private final byte[] frame;
        private final AtomicLong answered = new AtomicLong();
        private final Map<String, Long> codes = new ConcurrentHashMap<>();
        private final AtomicReference<String> signOnCode = new AtomicReference<>();
        private final AtomicReference<String> failure = new AtomicReference<>();

        Link(final Socket socket, final Dialect dialect, final Framing framing) throws IOException
        {
            this.socket = socket;
            this.dialect = dialect;
            this.framing = framing;
            this.out = socket.getOutputStream();
            this.in = new DataInputStream(socket.getInputStream());
            this.frame = new byte[framing.lengthHeader().size() + framing.maxFrameLength()];
        }

        void start()
        {
            final Thread thread = new Thread(this::readAnswers, "journal-replay-answers");
            thread.setDaemon(true);
            thread.start();
        }

        void signOn(final Duration timeout) throws IOException
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
            final int length = new MessageWriter(dialect).wrap(buffer, 0).mti(Mti.NETWORK_MANAGEMENT_REQUEST)
                .putString(7, ZonedDateTime.now(ZoneOffset.UTC).format(FIELD_7)).putLong(11, SIGN_ON_STAN).putLong(70, 1).finish();
            send(buffer, length);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (signOnCode.get() == null && failure.get() == null && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(POLL_NANOS);
            }
            final String code = signOnCode.get();
            if (!"00".equals(code))
            {
                throw new InputException("the switch at " + socket.getRemoteSocketAddress() + " did not accept the sign-on: " +
                    (code != null ? "0810 with 39=" + code : failure.get() != null ? failure.get() : "no answer within " + timeout.toMillis() + " ms"));
            }
        }

        void send(final UnsafeBuffer message, final int length) throws IOException
        {
            final UnsafeBuffer header = new UnsafeBuffer(frame);
            framing.writeLength(header, 0, length);
            final int headerSize = framing.lengthHeader().size();
            out.write(frame, 0, headerSize);
            out.write(message.byteArray(), 0, length);
            out.flush();
        }

        long answered()
        {
            return answered.get();
        }

        Map<String, Long> codes()
        {
            return codes;
        }

        String failure()
        {
            return failure.get();
        }

        void failed(final String why)
        {
            failure.compareAndSet(null, why);
        }

        private void readAnswers()
        {
            final int headerSize = framing.lengthHeader().size();
            final byte[] body = new byte[framing.maxFrameLength()];
            final UnsafeBuffer header = new UnsafeBuffer(new byte[headerSize]);
            final MessageReader reader = new MessageReader(dialect);
            try
            {
                while (true)
                {
                    in.readFully(header.byteArray(), 0, headerSize);
                    final int length = framing.lengthHeader().read(header, 0);
                    if (length < 0 || length > body.length)
                    {
                        failed("a frame with a bad length header (" + length + ")");
                        return;
                    }
                    in.readFully(body, 0, length);
                    if (reader.wrap(body, 0, length) != DecodeError.NONE)
                    {
                        continue;
                    }
                    final String code = reader.has(39) ? reader.getString(39) : "--";
                    if (reader.mti() == Mti.NETWORK_MANAGEMENT_RESPONSE && reader.has(11) && reader.getLong(11) == SIGN_ON_STAN)
                    {
                        signOnCode.set(code);
                        continue;
                    }
                    if (!Mti.isRequest(reader.mti()))
                    {
                        answered.incrementAndGet();
                        codes.merge(code, 1L, Long::sum);
                    }
                }
            }
            catch (final EOFException ex)
            {
                failed("the switch closed the connection");
            }
            catch (final IOException ex)
            {
                failed(String.valueOf(ex.getMessage()));
            }
        }
    }
}
