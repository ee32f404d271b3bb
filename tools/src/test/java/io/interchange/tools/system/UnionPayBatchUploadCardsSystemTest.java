package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.Mti;
import io.interchange.codec.MessageReader;
import io.interchange.codec.cups.Field60;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.tools.Cli;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;

/**
 * A UnionPay POS magnetic-stripe batch upload (0320, 60.3 = 201) may carry the batch's transactions in field 48: a
 * count (n2), then up to eight entries of card-scheme code (n2), POS STAN (n6), card number (n20) and amount (n12),
 * 2 + 8 x 40 = 322 digits, as the dialect's n ...322 has room for. The journal keeps no field 48 of an 0320 (DESIGN.md
 * §7: PANs only encrypted), where it kept it byte for byte, and {@code journal cat --messages} printed the card
 * numbers in clear.
 */
class UnionPayBatchUploadCardsSystemTest
{
    private static final byte[] TPDU_AND_HEADER = HexFormat.of().parseHex("6000030000" + "603100310701");
    private static final String PAN_1 = "6228480000000015";
    private static final String PAN_2 = "4761730000000011";

    @Test
    void shouldNotKeepTheCardNumbersOfABatchUploadInClear(@TempDir final Path dir) throws Exception
    {
        try (IssuerSimulator issuer = new IssuerSimulator(CardBook.generate(7, List.of("476173"), 10), IssuerSimConfig.defaults()).start())
        {
            final Path journal = dir.resolve("journal");
            final SwitchConfig config = LoopbackConfig.of(SwitchConfig.defaults(), issuer.port(), issuer.port(), journal);
            try (SwitchNode node = SwitchNode.start(config))
            {
                Awaiting.until(Duration.ofSeconds(20), () -> node.signedOnLinks("issuer-a") == 2, "issuer links signed on");
                try (TestTerminal pos = new TestTerminal(node.port("pos-cups"), UnionPayPos.DIALECT, TPDU_AND_HEADER))
                {
                    final Map<Integer, String> signOn = new HashMap<>();
                    signOn.put(11, "000001");
                    signOn.put(41, "TERM0006");
                    signOn.put(42, "MERCHANT0000003");
                    signOn.put(60, Field60.format(Field60.TYPE_MANAGEMENT, 1, Field60.NETWORK_SIGN_ON));
                    assertEquals("00", pos.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn).getString(39));

                    final Map<Integer, String> upload = new HashMap<>();
                    upload.put(11, "000002");
                    upload.put(41, "TERM0006");
                    upload.put(42, "MERCHANT0000003");
                    // 2 entries: scheme 00, STAN, card number n20 (left aligned, zero filled), amount n12.
                    upload.put(48, "02" + "00" + "000101" + pad20(PAN_1) + "000000005000" + "00" + "000102" + pad20(PAN_2) + "000000001000");
                    upload.put(60, Field60.format(Field60.TYPE_MANAGEMENT, 1, 201));
                    final MessageReader answer = pos.exchange(Mti.BATCH_UPLOAD, upload);
                    assertEquals(Mti.BATCH_UPLOAD_RESPONSE, answer.mti());
                }
            }

            final ClearPans pans = new ClearPans(List.of(PAN_1, PAN_2));
            long inFiles = 0;
            final List<String> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(journal))
            {
                for (final Path file : (Iterable<Path>)walk.filter(Files::isRegularFile)::iterator)
                {
                    final long found = pans.count(Files.readAllBytes(file));
                    if (found > 0)
                    {
                        files.add(file.getFileName() + ": " + found);
                    }
                    inFiles += found;
                }
            }
            final Cli.Result cat = Cli.run("journal", "cat", "--messages", "--journal", journal.toString()).expectSuccess();
            final long catFound = pans.in(cat.out()) ? 1 : 0;
            final String catLines = String.join("\n", cat.out().lines().filter(l -> l.contains(" 48 ") || l.contains("ADDITIONAL DATA")).toList());
            assertFalse(inFiles > 0 || catFound > 0, "card numbers in clear: journal files " + files + "; journal cat --messages prints:\n" + catLines);
        }
    }

    private static String pad20(final String pan)
    {
        return pan + "0".repeat(20 - pan.length());
    }
}
