package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.jpos.core.SimpleConfiguration;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.channel.NACChannel;
import org.jpos.iso.packager.ISO87BPackager;
import org.jpos.security.SMAdapter;
import org.jpos.security.SecureDESKey;
import org.jpos.security.jceadapter.JCESecurityModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.Mti;
import io.interchange.codec.dialect.KeyExchange;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.replay.Replayer;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;

/**
 * An ISO 8583:1987 acquirer host on a listener that requires MACs (DESIGN.md §7): it signs on, changes keys (0800/101)
 * and gets a MAC key and a zone PIN key in field 48 under the zone master key both sides hold, then MACs its requests
 * with the retail MAC (ISO/IEC 9797-1 algorithm 3) and sends PIN blocks under the zone PIN key. The host is jPOS: its
 * NACChannel and ISO87BPackager carry the messages, and its JCESecurityModule, the oracle DESIGN.md names, unwraps
 * the keys, makes and checks every MAC and encrypts the PIN, so nothing here shares code with the switch's HSM.
 */
class AcquirerHostMacSystemTest
{
    private static final String ZONE_MASTER_KEY = "3D9B4C1A7F2E8056C4A1F70B92E6D538";
    private static final String ISSUER_A_ZONE_PIN_KEY = "0123456789ABCDEFFEDCBA9876543210"; // issuer-a's demo zone PIN key
    private static final String HOST_LISTENER = """
        interchange.listeners = [
          { name = "host-iso87", host = "127.0.0.1", port = 0, dialect = "iso87b", framing = "binary-2",
            acquirer-id = "10000003", allow = ["127.0.0.1/32"], idle-timeout = 120s, max-frame = 4096, mac = true,
            master-key = "%s" }
        ]
        """.formatted(ZONE_MASTER_KEY);

    @Test
    void shouldServeAHostOnlyAfterAKeyChangeCheckItsMacsTranslateItsPinsAndMacItsAnswers(@TempDir final Path dir) throws Exception
    {
        final CardBook book = CardBook.generate(61, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        try (HostSwitch rig = new HostSwitch(HOST_LISTENER, 62, dir);
             JposHost host = new JposHost(rig.node.port("host-iso87"), dir))
        {
            final ScriptedIssuer issuerA = rig.issuerA;
            final CardAccount card = cards.payer(1_000);

            assertEquals("00", host.network("001").getString(39), "sign-on");
            assertEquals("91", host.exchange(host.purchase(card, 1_000, "000010")).getString(39), "no keys yet: the host must change keys first");

            final ISOMsg changed = host.network(String.valueOf(KeyExchange.NETWORK_CODE));
            assertEquals("00", changed.getString(39));
            assertEquals(KeyExchange.TEXT_LENGTH, changed.getString(KeyExchange.FIELD).length(), "field 48: both keys and their check values");
            host.takeKeys(changed);
            assertTrue(host.macHolds(changed), "the key change answer is MACed with the new MAC key: both keys came from the switch, in their places");

            // A purchase MACed with the new key and its PIN under the new zone PIN key: approved, the answer MACed.
            final ISOMsg purchase = host.purchase(card, 1_000, "000011");
            purchase.set(52, host.pinBlock("4321", card.pan()));
            final ISOMsg approved = host.exchange(host.mac(purchase));
            assertEquals("00", approved.getString(39));
            assertTrue(host.macHolds(approved), "the answer's field 64 is the switch's retail MAC under the host's key");
            assertPinAtIssuer(issuerA, host.clearPinBlock("4321", card.pan()), "the issuer finds the PIN under its zone key");
            // Another connection from the host's address signs on and asks for new keys without a MAC: refused, so
            // the host's keys, on all its links, stay as they are.
            try (JposHost intruder = new JposHost(rig.node.port("host-iso87"), dir))
            {
                assertEquals("00", intruder.network("001").getString(39));
                final ISOMsg refused = intruder.network("101");
                assertEquals("A0", refused.getString(39), "a host that holds keys changes them only with a MAC under them");
                assertFalse(refused.hasField(KeyExchange.FIELD));
            }
            assertEquals("00", host.exchange(host.mac(host.purchase(card, 1_000, "000015"))).getString(39), "the host's keys still stand");
            final long forwarded = issuerA.count(Mti.FINANCIAL_REQUEST);

            // The amount changed after the MAC was made: A0, and the issuer never sees it.
            final ISOMsg tampered = host.mac(host.purchase(card, 1_000, "000012"));
            tampered.set(4, "000000001001");
            assertEquals("A0", host.exchange(tampered).getString(39));
            // No MAC at all: A0.
            assertEquals("A0", host.exchange(host.purchase(card, 1_000, "000013")).getString(39));
            assertEquals(forwarded, issuerA.count(Mti.FINANCIAL_REQUEST), "neither forwarded");

            // A reversal has field 90, so a secondary bitmap: its MAC is field 128. One in field 64, over the message
            // up to there, would leave fields 65-127 outside it (field 90 could be changed on the way), so it is refused.
            final ISOMsg reversal = host.reversalOf(purchase, "000014");
            reversal.set(64, host.macBeforeFieldNinety(reversal));
            assertEquals("A0", host.exchange(reversal).getString(39), "a MAC in field 64 of a message with a secondary bitmap");
            reversal.unset(64);
            final ISOMsg reversed = host.exchange(host.mac(reversal));
            assertEquals("0410", reversed.getMTI());
            assertEquals("00", reversed.getString(39));
            assertTrue(reversed.hasField(128) && !reversed.hasField(64), "the answer's MAC is in field 128 too");
            assertTrue(host.macHolds(reversed), "and it holds");
        }
    }

    @Test
    void shouldKeepTheHostsKeysAcrossARestartAndReplaceThemAtItsNextKeyChange(@TempDir final Path dir) throws Exception
    {
        final CardBook book = CardBook.generate(63, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final Path journal = dir.resolve("journal");
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(64, List.of("622848"), 10), IssuerSimConfig.defaults()).start())
        {
            // No key-change-grace (none unless set): the keys a key change replaces stop serving at once.
            final SwitchConfig config = SwitchConfig.parse(HOST_LISTENER, "host.conf")
                .withIssuerPort("issuer-a", issuerA.port()).withIssuerPort("issuer-b", issuerB.port()).withJournalDir(journal);
            final String keys;
            final byte[][] clearKeys;
            try (SwitchNode node = SwitchNode.start(config);
                 JposHost host = new JposHost(node.port("host-iso87"), dir))
            {
                Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on");
                assertEquals("00", host.network("001").getString(39));
                final ISOMsg changed = host.network("101");
                keys = changed.getString(KeyExchange.FIELD);
                host.takeKeys(changed);
                clearKeys = host.clearKeys();
                final ISOMsg approved = host.exchange(host.mac(host.purchase(cards.payer(1_000), 1_000, "000020")));
                assertEquals("00", approved.getString(39));
                assertTrue(host.macHolds(approved));
            }

            // The same journal, a new switch (a new HSM with a new LMK): the host connects again and signs on, and
            // without changing keys MACs with the ones it holds. The switch got them back from its journal.
            final CardAccount card = cards.payer(3_000);
            try (SwitchNode node = SwitchNode.start(config);
                 JposHost host = new JposHost(node.port("host-iso87"), dir))
            {
                Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on after the restart");
                host.takeKeys(keys);
                assertEquals("00", host.network("001").getString(39));
                final ISOMsg purchase = host.purchase(card, 3_000, "000021");
                final ISOMsg approved = host.exchange(host.mac(purchase));
                assertEquals("00", approved.getString(39));
                assertTrue(host.macHolds(approved), "answered with the MAC key of before the restart");
                assertEquals(card.balance() - 3_000, issuerA.account(card.pan()).orElseThrow().balance(), "forwarded and approved");

                // The next key change, MACed with the keys it replaces, replaces them: the old MAC key no longer serves.
                final ISOMsg changed = host.networkMaced("101");
                assertNotEquals(keys, changed.getString(KeyExchange.FIELD), "new keys");
                final ISOMsg withOldKey = host.mac(host.purchase(cards.payer(500), 500, "000022"));
                assertEquals("A0", host.exchange(withOldKey).getString(39));
                host.takeKeys(changed);
                assertEquals("00", host.exchange(host.mac(host.purchase(cards.payer(500), 500, "000023"))).getString(39));

                // The purchase of before the change, sent again (its answer lost, say) and MACed as it must be now:
                // the original answer, not a second charge, and MACed with the key the host holds now.
                final ISOMsg again = host.exchange(host.mac(purchase));
                assertEquals("00", again.getString(39));
                assertEquals(approved.getString(38), again.getString(38), "the original answer");
                assertTrue(host.macHolds(again), "a kept answer goes out MACed with today's key, not the one it was made with");
                assertEquals(card.balance() - 3_000, issuerA.account(card.pan()).orElseThrow().balance(), "charged once");
            }

            // The keys travelled and were journaled only under the zone master key: neither clear key is in any file.
            try (Stream<Path> files = Files.walk(journal))
            {
                for (final Path file : files.filter(Files::isRegularFile).toList())
                {
                    final byte[] bytes = Files.readAllBytes(file);
                    for (final byte[] clear : clearKeys)
                    {
                        assertFalse(Bytes.contains(bytes, clear), "a clear key in " + file.getFileName());
                    }
                }
            }

            // Both runs replayed through a new switch handler (another LMK again): each key change's answer and every
            // MAC after it come out byte for byte, the keys loaded from the journaled answers, never made anew.
            assertReplaysByteForByte(config, dir.resolve("replay"));
        }
    }

    @Test
    void shouldTakeRequestsMadeWithTheKeysBeforeAKeyChangeForTheListenersGraceOnly(@TempDir final Path dir) throws Exception
    {
        final CardBook book = CardBook.generate(68, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final String listener = HOST_LISTENER.replace("mac = true,", "mac = true, key-change-grace = 3s,");
        try (HostSwitch rig = new HostSwitch(listener, 69, dir);
             JposHost host = new JposHost(rig.node.port("host-iso87"), dir))
        {
            final ScriptedIssuer issuerA = rig.issuerA;
            assertEquals("00", host.network("001").getString(39));
            host.takeKeys(host.network(String.valueOf(KeyExchange.NETWORK_CODE)));

            // Two purchases made with the first keys (MAC, and the first one's PIN block under the first zone PIN key)
            // and sent only after the host has changed keys again, as a host with several links sends what was on its
            // way: within the listener's 3 s the first is taken, its PIN translated from the key it came under.
            final CardAccount card = cards.payer(1_000);
            final ISOMsg early = host.purchase(card, 1_000, "000031");
            early.set(52, host.pinBlock("4321", card.pan()));
            host.mac(early);
            final ISOMsg late = host.mac(host.purchase(cards.payer(1_000), 1_000, "000032"));
            final ISOMsg changed = host.networkMaced(String.valueOf(KeyExchange.NETWORK_CODE));
            assertEquals("00", changed.getString(39));
            host.takeKeys(changed);

            final ISOMsg approved = host.exchange(early);
            assertEquals("00", approved.getString(39), "within the grace the keys before the change still serve");
            assertTrue(host.macHolds(approved), "answered with the new MAC key, the one the host holds now");
            assertPinAtIssuer(issuerA, host.clearPinBlock("4321", card.pan()), "translated from the zone PIN key it was sent under");
            assertEquals("00", host.exchange(host.mac(host.purchase(cards.payer(1_000), 1_000, "000033"))).getString(39), "the new keys serve");

            // A third key change: within its grace the second keys serve, the first (two changes back) never again.
            final ISOMsg second = host.mac(host.purchase(cards.payer(1_000), 1_000, "000034"));
            final ISOMsg third = host.networkMaced(String.valueOf(KeyExchange.NETWORK_CODE));
            final long thirdAt = System.currentTimeMillis();
            assertEquals("00", third.getString(39));
            host.takeKeys(third);
            final long forwarded = issuerA.count(Mti.FINANCIAL_REQUEST);
            assertEquals("A0", host.exchange(late).getString(39), "the keys of two changes back");
            assertEquals(forwarded, issuerA.count(Mti.FINANCIAL_REQUEST), "never forwarded");

            // Past the grace (event time: each request's receipt) the keys before the change no longer serve.
            Awaiting.until(Duration.ofSeconds(10), () -> System.currentTimeMillis() > thirdAt + 3_500, "the grace over");
            assertEquals("A0", host.exchange(second).getString(39), "after the grace a request MACed with the keys before the change is refused");
            assertEquals(forwarded, issuerA.count(Mti.FINANCIAL_REQUEST), "and never forwarded");
        }
    }

    @Test
    void shouldKeepTheKeysBeforeAKeyChangeForItsGraceAcrossARestart(@TempDir final Path dir) throws Exception
    {
        final CardBook book = CardBook.generate(70, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final Path journal = dir.resolve("journal");
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(71, List.of("622848"), 10), IssuerSimConfig.defaults()).start())
        {
            final SwitchConfig config = SwitchConfig.parse(HOST_LISTENER.replace("mac = true,", "mac = true, key-change-grace = 10m,"), "host.conf")
                .withIssuerPort("issuer-a", issuerA.port()).withIssuerPort("issuer-b", issuerB.port()).withJournalDir(journal);
            final ISOMsg early;
            final String keys;
            try (SwitchNode node = SwitchNode.start(config);
                 JposHost host = new JposHost(node.port("host-iso87"), dir))
            {
                Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on");
                assertEquals("00", host.network("001").getString(39));
                host.takeKeys(host.network("101"));
                early = host.mac(host.purchase(cards.payer(1_000), 1_000, "000041"));
                final ISOMsg changed = host.networkMaced("101");
                assertEquals("00", changed.getString(39));
                keys = changed.getString(KeyExchange.FIELD);
            }

            // A new switch on the same journal (a new HSM, another LMK): the replayed key changes put both pairs of keys
            // back, and the grace, counted in event time, still runs.
            try (SwitchNode node = SwitchNode.start(config);
                 JposHost host = new JposHost(node.port("host-iso87"), dir))
            {
                Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on after the restart");
                host.takeKeys(keys);
                assertEquals("00", host.network("001").getString(39));
                final ISOMsg approved = host.exchange(early);
                assertEquals("00", approved.getString(39), "made with the keys before the change, within its grace, after a restart");
                assertTrue(host.macHolds(approved), "answered with the new key");
                assertEquals("00", host.exchange(host.mac(host.purchase(cards.payer(1_000), 1_000, "000042"))).getString(39), "the new keys");
            }

            assertReplaysByteForByte(config, dir.resolve("replay"));
        }
    }

    @Test
    void shouldServeAHostThatMacsWithAesCmacUnderAnAesZoneMasterKey(@TempDir final Path dir) throws Exception
    {
        final String aesZoneMasterKey = "8E73B0F7DA0E6452C810F32B809079E562F8EAD2522C6B7B6D41E2A1C0F2B3D4";
        final String cmacListener = HOST_LISTENER.replace("mac = true,", "mac = true, mac-algorithm = cmac,").replace(ZONE_MASTER_KEY, aesZoneMasterKey);
        final CardBook book = CardBook.generate(66, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        try (HostSwitch rig = new HostSwitch(cmacListener, 67, dir);
             JposHost host = new JposHost(rig.node.port("host-iso87"), dir, aesZoneMasterKey))
        {
            final ScriptedIssuer issuerA = rig.issuerA;
            final CardAccount card = cards.payer(1_000);
            assertEquals("00", host.network("001").getString(39));
            final ISOMsg changed = host.network("101");
            assertEquals("00", changed.getString(39));
            host.takeKeys(changed);
            assertTrue(host.macHolds(changed), "the key change answer is CMACed with the new MAC key");

            final ISOMsg purchase = host.purchase(card, 1_000, "000031");
            purchase.set(52, host.pinBlock("2468", card.pan()));
            final ISOMsg approved = host.exchange(host.mac(purchase));
            assertEquals("00", approved.getString(39));
            assertTrue(host.macHolds(approved), "the answer's field 64 is the switch's AES-CMAC under the host's key");
            assertPinAtIssuer(issuerA, host.clearPinBlock("2468", card.pan()), "the PIN key came under the AES key too");

            final ISOMsg tampered = host.mac(host.purchase(card, 1_000, "000032"));
            tampered.set(4, "000000001001");
            assertEquals("A0", host.exchange(tampered).getString(39));

            // TERM0001's batch, one debit of 10.00, settles in balance; after a key change the same settlement, sent
            // again MACed with the new key, gets the kept answer (a second settlement would find an empty batch: 95),
            // MACed with the new key.
            final ISOMsg settlement = host.networkRequest("000");
            settlement.setMTI("0500");
            settlement.unset(70);
            settlement.set(41, "TERM0001");
            settlement.set(42, "MERCHANT0000001");
            for (final int field : new int[] {74, 75, 77})
            {
                settlement.set(field, "0000000000");
            }
            settlement.set(76, "0000000001");
            for (final int field : new int[] {86, 87, 89})
            {
                settlement.set(field, "0000000000000000");
            }
            settlement.set(88, "0000000000001000");
            settlement.set(97, "C0000000000001000");
            final ISOMsg settled = host.exchange(host.mac(settlement));
            assertEquals("00", settled.getString(39));
            host.takeKeys(host.networkMaced("101"));
            final ISOMsg again = host.exchange(host.mac(settlement));
            assertEquals("00", again.getString(39), "the kept answer, not a second settlement");
            assertTrue(host.macHolds(again), "MACed with the key held now");
        }
    }

    @Test
    void shouldRefuseAKeyChangeWhereTheListenerHasNoZoneMasterKey(@TempDir final Path dir) throws Exception
    {
        try (IssuerSimulator issuer = new IssuerSimulator(CardBook.generate(65, List.of("476173", "622848"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = SwitchNode.start(LoopbackConfig.of(SwitchConfig.defaults(), issuer.port(), issuer.port(), dir.resolve("journal")));
             JposHost host = new JposHost(node.port("pos-iso87"), dir))
        {
            assertEquals("00", host.network("001").getString(39));
            final ISOMsg refused = host.network("101");
            assertEquals("12", refused.getString(39), "the demo's pos-iso87 does not MAC: no keys to change");
            assertFalse(refused.hasField(KeyExchange.FIELD));
        }
    }

    /**
     * The switch with the host's listener, issuer-a a scripted issuer that approves at once and acknowledges advices
     * (one of its two links signed on: it serves one connection at a time), issuer-b a simulator.
     */
    private static final class HostSwitch implements AutoCloseable
    {
        private final ScriptedIssuer issuerA;
        private final IssuerSimulator issuerB;
        private final SwitchNode node;

        HostSwitch(final String listener, final long issuerBSeed, final Path dir) throws Exception
        {
            issuerA = new ScriptedIssuer();
            IssuerSimulator b = null;
            SwitchNode n = null;
            try
            {
                b = new IssuerSimulator(CardBook.generate(issuerBSeed, List.of("622848"), 10), IssuerSimConfig.defaults()).start();
                n = SwitchNode.start(SwitchConfig.parse(listener, "host.conf")
                    .withIssuerPort("issuer-a", issuerA.port()).withIssuerPort("issuer-b", b.port()).withJournalDir(dir.resolve("journal")));
                issuerA.approveAfter(Duration.ZERO);
                issuerA.acknowledgeAdvices();
                final SwitchNode started = n;
                Awaiting.until(Duration.ofSeconds(10), () -> started.signedOnLinks("issuer-a") >= 1, "issuer-a signed on");
            }
            catch (final Exception | Error e)
            {
                for (final AutoCloseable c : new AutoCloseable[] {n, b, issuerA})
                {
                    if (c != null)
                    {
                        c.close();
                    }
                }
                throw e;
            }
            issuerB = b;
            node = n;
        }

        @Override
        public void close() throws Exception
        {
            try (issuerA; issuerB; node)
            {
                // Closed in reverse: the switch, then issuer-b, then issuer-a.
            }
        }
    }

    /** The journal of {@code config}'s runs replayed through a new switch handler into {@code target}: every key restored, every output the same. */
    private static void assertReplaysByteForByte(final SwitchConfig config, final Path target) throws Exception
    {
        final Replayer.Report report = Replays.replay(config, target);
        assertEquals(0, report.keysNotRestored(), report.toString());
        assertEquals(List.of(), Replays.differences(config, target, 10));
    }

    /** The PIN block of the issuer's last financial request, decrypted under its zone PIN key, is {@code clear}. */
    private static void assertPinAtIssuer(final ScriptedIssuer issuer, final byte[] clear, final String message) throws Exception
    {
        final ISOMsg atIssuer = new ISOMsg();
        atIssuer.setPackager(new ISO87BPackager());
        atIssuer.unpack(issuer.lastFinancial());
        assertEquals(HexFormat.of().formatHex(clear), HexFormat.of().formatHex(des3(ISSUER_A_ZONE_PIN_KEY, atIssuer.getBytes(52))), message);
    }

    private static byte[] des3(final String doubleLengthKey, final byte[] data) throws Exception
    {
        final byte[] k = HexFormat.of().parseHex(doubleLengthKey);
        final byte[] k3 = Arrays.copyOf(k, 24);
        System.arraycopy(k, 0, k3, 16, 8);
        final Cipher cipher = Cipher.getInstance("DESede/ECB/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k3, "DESede"));
        return cipher.doFinal(data);
    }

    /**
     * The acquirer host: a jPOS NACChannel with ISO87BPackager, and jPOS's JCESecurityModule holding the zone master
     * key and, after a key change, the MAC and PIN keys the switch sent under it ({@code cbc-mac = ISO9797ALG3MAC}:
     * algorithm 3 with zero padding, as fields 64 and 128 are made). With an AES zone master key it MACs with AES-CMAC
     * instead, which jPOS does not have: the keys unwrapped with plain JCE AES, the MAC made by the test's {@link Cmac}
     * and the PIN block encrypted with plain JCE triple DES.
     */
    private static final class JposHost implements AutoCloseable
    {
        private final NACChannel channel;
        private final JCESecurityModule module;
        private final SecureDESKey zoneMasterKey;
        private final String now = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("MMddHHmmss"));
        private SecureDESKey macKey;
        private SecureDESKey pinKey;
        private byte[] aesZoneMasterKey;
        private byte[] cmacKey;
        private byte[] clearPinKey;
        private int stan = 900_000;

        /** A host that MACs with AES-CMAC under an AES zone master key. */
        JposHost(final int port, final Path dir, final String aesZoneMasterKey) throws Exception
        {
            this(port, dir);
            this.aesZoneMasterKey = HexFormat.of().parseHex(aesZoneMasterKey);
        }

        JposHost(final int port, final Path dir) throws Exception
        {
            final Properties properties = new Properties();
            properties.setProperty("lmk", dir.resolve("jpos-" + port + ".lmk").toString());
            properties.setProperty("rebuildlmk", "true");
            properties.setProperty("provider", "org.bouncycastle.jce.provider.BouncyCastleProvider");
            properties.setProperty("cbc-mac", "ISO9797ALG3MAC");
            module = new JCESecurityModule(new SimpleConfiguration(properties), null, null);
            zoneMasterKey = module.formKEYfromClearComponents(SMAdapter.LENGTH_DES3_2KEY, SMAdapter.TYPE_ZMK, ZONE_MASTER_KEY);
            channel = new NACChannel("127.0.0.1", port, new ISO87BPackager(), null);
            channel.setTimeout(10_000);
            channel.connect();
        }

        /** An 0800 with field 70 {@code code}, and its answer. */
        ISOMsg network(final String code) throws Exception
        {
            final ISOMsg answer = exchange(networkRequest(code));
            assertEquals("0810", answer.getMTI());
            return answer;
        }

        /** As {@link #network}, MACed with the keys the host holds (field 128: field 70 makes a secondary bitmap). */
        ISOMsg networkMaced(final String code) throws Exception
        {
            final ISOMsg answer = exchange(mac(networkRequest(code)));
            assertEquals("0810", answer.getMTI());
            return answer;
        }

        ISOMsg networkRequest(final String code)
        {
            final ISOMsg request = new ISOMsg("0800");
            request.set(7, now);
            request.set(11, String.format("%06d", ++stan));
            request.set(70, code);
            return request;
        }

        /** The keys of a key change answer, into the module: each checked against the check value sent with it. */
        void takeKeys(final ISOMsg answer) throws Exception
        {
            takeKeys(answer.getString(KeyExchange.FIELD));
        }

        void takeKeys(final String field48) throws Exception
        {
            final byte[] block = HexFormat.of().parseHex(field48);
            if (aesZoneMasterKey != null)
            {
                cmacKey = unwrapped(block, KeyExchange.MAC_KEY, "AES");
                clearPinKey = unwrapped(block, KeyExchange.PIN_KEY, "DESede");
                return;
            }
            macKey = imported(block, KeyExchange.MAC_KEY, SMAdapter.TYPE_ZAK);
            pinKey = imported(block, KeyExchange.PIN_KEY, SMAdapter.TYPE_ZPK);
        }

        /** A key decrypted under the AES zone master key, checked by its check value: itself encrypting zeros. */
        private byte[] unwrapped(final byte[] block, final int at, final String algorithm) throws Exception
        {
            final Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(aesZoneMasterKey, "AES"));
            final byte[] clear = aes.doFinal(block, at, KeyExchange.KEY_LENGTH);
            final byte[] zeros = "AES".equals(algorithm) ? new byte[16] : new byte[8];
            final byte[] check = "AES".equals(algorithm) ? ecb("AES", clear, zeros) : ecb("DESede", tripled(clear), zeros);
            final int checkAt = at + KeyExchange.KEY_LENGTH;
            assertArrayEquals(Arrays.copyOf(check, KeyExchange.CHECK_LENGTH), Arrays.copyOfRange(block, checkAt, checkAt + KeyExchange.CHECK_LENGTH),
                algorithm + " key's check value");
            return clear;
        }

        private SecureDESKey imported(final byte[] block, final int at, final String type) throws Exception
        {
            final byte[] underZmk = Arrays.copyOfRange(block, at, at + KeyExchange.KEY_LENGTH);
            final SecureDESKey key = module.importKey(SMAdapter.LENGTH_DES3_2KEY, type, underZmk, zoneMasterKey, true);
            final byte[] sent = Arrays.copyOfRange(block, at + KeyExchange.KEY_LENGTH, at + KeyExchange.KEY_LENGTH + KeyExchange.CHECK_LENGTH);
            final byte[] own = module.generateKeyCheckValue(key);
            assertArrayEquals(Arrays.copyOf(own, 3), Arrays.copyOf(sent, 3), type + "'s check value");
            return key;
        }

        /** The clear MAC and PIN keys, exported under nothing: only for looking for them where they must not be. */
        byte[][] clearKeys() throws Exception
        {
            if (aesZoneMasterKey != null)
            {
                return new byte[][] {cmacKey.clone(), clearPinKey.clone()};
            }
            final byte[][] clear = new byte[2][];
            final SecureDESKey[] both = {macKey, pinKey};
            for (int i = 0; i < 2; i++)
            {
                clear[i] = des3(ZONE_MASTER_KEY, module.exportKey(both[i], zoneMasterKey));
            }
            return clear;
        }

        ISOMsg purchase(final CardAccount card, final long amount, final String stan) throws Exception
        {
            final ISOMsg m = new ISOMsg("0200");
            m.set(2, card.pan());
            m.set(3, "000000");
            m.set(4, String.format("%012d", amount));
            m.set(7, now);
            m.set(11, stan);
            m.set(12, now.substring(4));
            m.set(13, now.substring(0, 4));
            m.set(14, String.format("%04d", card.expiry()));
            m.set(22, "012");
            m.set(25, "00");
            m.set(41, "TERM0001");
            m.set(42, "MERCHANT0000001");
            m.set(49, "840");
            return m;
        }

        ISOMsg reversalOf(final ISOMsg purchase, final String stan) throws Exception
        {
            final ISOMsg m = (ISOMsg)purchase.clone();
            m.setMTI("0400");
            m.unset(52);
            m.unset(64);
            m.set(11, stan);
            m.set(90, "0200" + purchase.getString(11) + now + "0000000000000000000000");
            return m;
        }

        byte[] clearPinBlock(final String pin, final String pan)
        {
            final byte[] pinField = HexFormat.of().parseHex(("0" + pin.length() + pin + "FFFFFFFFFFFFFF").substring(0, 16));
            final byte[] panField = HexFormat.of().parseHex("0000" + pan.substring(pan.length() - 13, pan.length() - 1));
            for (int i = 0; i < 8; i++)
            {
                pinField[i] ^= panField[i];
            }
            return pinField;
        }

        byte[] pinBlock(final String pin, final String pan) throws Exception
        {
            return aesZoneMasterKey != null ? ecb("DESede", tripled(clearPinKey), clearPinBlock(pin, pan)) :
                module.encryptPIN(pin, pan, pinKey).getPINBlock();
        }

        /** The message with its MAC in place: field 128 when it has fields past 64, else field 64. */
        ISOMsg mac(final ISOMsg message) throws Exception
        {
            final int field = message.getMaxField() > 64 ? 128 : 64;
            message.set(field, macOf(message, field));
            return message;
        }

        /** The retail MAC of the message as packed with {@code field} in it, over every byte before that field. */
        byte[] macOf(final ISOMsg message, final int field) throws Exception
        {
            final ISOMsg copy = (ISOMsg)message.clone();
            copy.setPackager(new ISO87BPackager());
            copy.set(field, new byte[8]);
            final byte[] packed = copy.pack();
            return aesZoneMasterKey != null ? Cmac.of(cmacKey, packed, packed.length - 8) :
                module.generateCBC_MAC(Arrays.copyOf(packed, packed.length - 8), macKey);
        }

        /**
         * The retail MAC of a message whose last field is 90, put in field 64 over every byte before field 64: what
         * a MAC in 64 would cover. Field 90 is n42, 21 bytes of BCD, so the message packed with 64 ends in 64's 8
         * bytes and then those 21.
         */
        byte[] macBeforeFieldNinety(final ISOMsg message) throws Exception
        {
            final ISOMsg copy = (ISOMsg)message.clone();
            copy.setPackager(new ISO87BPackager());
            copy.set(64, new byte[8]);
            assertEquals(90, copy.getMaxField());
            final byte[] packed = copy.pack();
            return module.generateCBC_MAC(Arrays.copyOf(packed, packed.length - 8 - 21), macKey);
        }

        boolean macHolds(final ISOMsg answer) throws Exception
        {
            final int field = answer.hasField(128) ? 128 : 64;
            if (!answer.hasField(field))
            {
                return false;
            }
            return Arrays.equals(answer.getBytes(field), macOf(answer, field));
        }

        private static byte[] ecb(final String algorithm, final byte[] key, final byte[] data) throws Exception
        {
            final Cipher cipher = Cipher.getInstance(algorithm + "/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, algorithm));
            return cipher.doFinal(data);
        }

        /** A double-length DES key as the JCE's DESede wants it: K1 K2 K1. */
        private static byte[] tripled(final byte[] doubleLength)
        {
            final byte[] k3 = Arrays.copyOf(doubleLength, 24);
            System.arraycopy(doubleLength, 0, k3, 16, 8);
            return k3;
        }

        ISOMsg exchange(final ISOMsg request) throws Exception
        {
            channel.send(request);
            return channel.receive();
        }

        @Override
        public void close() throws Exception
        {
            channel.disconnect();
        }
    }
}
