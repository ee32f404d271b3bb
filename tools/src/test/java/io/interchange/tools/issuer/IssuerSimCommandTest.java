package io.interchange.tools.issuer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.interchange.tools.Cli;
import io.interchange.tools.Interchange;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.channel.NACChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IssuerSimCommandTest
{
    private static final Pattern LISTENING = Pattern.compile("issuer-sim listening on 127\\.0\\.0\\.1:(\\d+) \\(.*\\)");

    @TempDir
    Path dir;

    /** Standard output that opens a latch once the listening line is complete. */
    private static final class WatchedOutput extends Writer
    {
        private final StringBuffer text = new StringBuffer();
        private final CountDownLatch listening = new CountDownLatch(1);

        @Override
        public void write(final char[] chars, final int offset, final int length)
        {
            text.append(chars, offset, length);
            if (text.indexOf("listening on") >= 0 && text.indexOf("\n", text.indexOf("listening on")) >= 0)
            {
                listening.countDown();
            }
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    }

    @Test
    void shouldListenAnswerAndStopWhenInterrupted() throws Exception
    {
        final WatchedOutput out = new WatchedOutput();
        final StringWriter err = new StringWriter();
        final AtomicInteger exitCode = new AtomicInteger(-1);
        final CommandLine cmd = Interchange.commandLine(new ByteArrayInputStream(new byte[0]));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        final Thread run = new Thread(() -> exitCode.set(cmd.execute("issuer-sim", "--port", "0", "--seed", "42", "--cards", "50", "--latency", "1ms")));
        run.start();
        assertTrue(out.listening.await(30, TimeUnit.SECONDS), () -> "not listening: " + out.text + err);

        final Matcher m = LISTENING.matcher(out.text.toString().strip());
        assertTrue(m.matches(), out.text::toString);
        final NACChannel channel = new NACChannel("127.0.0.1", Integer.parseInt(m.group(1)), Requests.PACKAGER, null);
        channel.connect();
        channel.setTimeout(RawClient.PATIENCE_MILLIS);
        final LocalDate today = LocalDate.now(ZoneOffset.UTC);
        final int thisMonth = today.getYear() % 100 * 100 + today.getMonthValue();
        final CardAccount card = CardBook.generate(42, List.of("476173", "535522"), 50).cards().stream()
            .filter(c -> c.status() == CardStatus.ACTIVE && !c.expiredAt(thisMonth))
            .findFirst().orElseThrow();
        channel.send(Requests.purchase(card.pan(), 100, 1));
        final ISOMsg answer = channel.receive();
        channel.disconnect();
        assertEquals("00", answer.getString(39), "the card generated from the same seed is known");

        run.interrupt();
        run.join(TimeUnit.SECONDS.toMillis(30));
        assertEquals(0, exitCode.get(), () -> out.text + err.toString());
        assertTrue(out.text.toString().contains("issuer-sim stopped: answers 00=1"), out.text::toString);
        assertEquals("", err.toString());
    }

    @Test
    void shouldRefuseAHostThatIsNotLoopback()
    {
        final Cli.Result result = Cli.run("issuer-sim", "--host", "192.0.2.1").expectInputError();
        assertTrue(result.errLine().startsWith("interchange issuer-sim: host '192.0.2.1' is not a loopback address"), result::toString);
    }

    @Test
    void shouldRefuseBadLatencyAndFaults()
    {
        assertTrue(Cli.run("issuer-sim", "--latency", "soon").expectInputError().errLine().contains("'soon'"));
        assertTrue(Cli.run("issuer-sim", "--fault-no-answer", "0.7", "--fault-garbage", "0.7").expectInputError().errLine()
            .contains("above 1"));
        assertTrue(Cli.run("issuer-sim", "--bins", "0476").expectInputError().errLine().contains("BIN '0476'"));
    }

    @Test
    void shouldRefuseMoreCardsThanItCanHold()
    {
        // Two billion cards ran the JVM out of heap: a stack trace, not a line.
        assertEquals("interchange issuer-sim: card count must be 1 to " + CardBook.MAX_GENERATED + ": 2000000000",
            Cli.run("issuer-sim", "--bins", "4761", "--cards", "2000000000").expectInputError().errLine());
    }

    @Test
    void shouldRefuseTlsWithoutBothCertificateAndKeyOrWithFilesThatAreNot() throws IOException
    {
        final Path pem = Files.writeString(dir.resolve("not-a-cert.pem"), "hello\n");
        assertTrue(Cli.run("issuer-sim", "--tls-certificate", pem.toString()).expectInputError().errLine()
            .contains("TLS needs both --tls-certificate and --tls-private-key"));
        final String unusable = Cli.run("issuer-sim", "--tls-certificate", pem.toString(), "--tls-private-key", pem.toString())
            .expectInputError().errLine();
        assertTrue(unusable.contains("cannot serve TLS"), unusable);
    }

    @Test
    void shouldNameFileAndLineOfABadAccountsFile() throws IOException
    {
        final Path file = dir.resolve("accounts.csv");
        Files.write(file, List.of(CardBook.CSV_HEADER, TestCards.ACTIVE + ",ACTIVE,3012,100,abc"), StandardCharsets.UTF_8);
        final Cli.Result result = Cli.run("issuer-sim", "--accounts", file.toString()).expectInputError();
        assertEquals("interchange issuer-sim: bad accounts file: " + file + ":2: daily limit 'abc' is not a whole number of minor units at or above 0",
            result.errLine());
    }

    @Test
    void shouldRefuseGeneratedCardOptionsWithAnAccountsFile() throws IOException
    {
        final Path file = dir.resolve("accounts.csv");
        Files.write(file, List.of(TestCards.ACTIVE + ",ACTIVE,3012,100,100"), StandardCharsets.UTF_8);
        assertTrue(Cli.run("issuer-sim", "--accounts", file.toString(), "--cards", "5").expectInputError().errLine().contains("--cards"));
        assertTrue(Cli.run("issuer-sim", "--accounts", dir.resolve("none.csv").toString()).expectInputError().errLine()
            .endsWith("none.csv does not exist"));
    }

    @Test
    void shouldBeListedInHelp()
    {
        assertTrue(Cli.run("--help").expectSuccess().out().contains("issuer-sim"));
        final String help = Cli.run("help", "issuer-sim").expectSuccess().out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--fault-no-answer"), help);
        assertTrue(help.contains("--accounts"), help);
    }
}
