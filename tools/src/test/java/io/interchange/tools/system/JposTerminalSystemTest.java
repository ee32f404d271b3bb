package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOUtil;
import org.jpos.iso.channel.NACChannel;
import org.jpos.iso.packager.ISO87BPackager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;

/** Interop: a terminal built from jPOS's own NACChannel and ISO87BPackager signs on, sends a keep-alive, buys and reverses. */
class JposTerminalSystemTest
{
    @Test
    void shouldServeAJposTerminalThroughSignOnPurchaseAndReversal(@TempDir final Path journal) throws Exception
    {
        final CardBook book = CardBook.generate(41, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(42, List.of("622848"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = SwitchNode.start(LoopbackConfig.of(SwitchConfig.defaults(), issuerA.port(), issuerB.port(), journal)))
        {
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on");
            final NACChannel channel = new NACChannel("127.0.0.1", node.port("pos-iso87"), new ISO87BPackager(), null);
            channel.setTimeout(10_000);
            channel.connect();
            try
            {
                final String now = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("MMddHHmmss"));
                final ISOMsg signOn = new ISOMsg("0800");
                signOn.set(7, now);
                signOn.set(11, "000001");
                signOn.set(70, "001");
                channel.send(signOn);
                final ISOMsg signedOn = channel.receive();
                assertEquals("0810", signedOn.getMTI());
                assertEquals("00", signedOn.getString(39));
                // jPOS's keep-alive on an idle link, a zero length and nothing after it: skipped, the link stays up.
                channel.sendKeepAlive();

                final CardAccount card = cards.payer(4_200);
                final ISOMsg purchase = new ISOMsg("0200");
                purchase.set(2, card.pan());
                purchase.set(3, "000000");
                purchase.set(4, "000000004200");
                purchase.set(7, now);
                purchase.set(11, "000002");
                purchase.set(12, now.substring(4));
                purchase.set(13, now.substring(0, 4));
                purchase.set(14, String.format("%04d", card.expiry()));
                purchase.set(22, "051");
                purchase.set(25, "00");
                purchase.set(35, card.pan() + "=" + String.format("%04d", card.expiry()) + "2011143804400000");
                purchase.set(41, "TERM0001");
                purchase.set(42, "MERCHANT0000001");
                purchase.set(49, "840");
                purchase.set(52, ISOUtil.hex2byte(Cardholders.PIN_BLOCK));
                channel.send(purchase);
                final ISOMsg approved = channel.receive();
                assertEquals("0210", approved.getMTI());
                assertEquals("00", approved.getString(39));
                assertEquals("000002", approved.getString(11));
                assertEquals(card.balance() - 4_200, issuerA.account(card.pan()).orElseThrow().balance());

                final ISOMsg reversal = (ISOMsg)purchase.clone();
                reversal.setMTI("0400");
                reversal.unset(35);
                reversal.unset(52);
                reversal.set(11, "000003");
                reversal.set(90, "0200" + "000002" + now + "0000000000000000000000");
                channel.send(reversal);
                final ISOMsg reversed = channel.receive();
                assertEquals("0410", reversed.getMTI());
                assertEquals("00", reversed.getString(39));
                Awaiting.until(Duration.ofSeconds(10), () -> issuerA.account(card.pan()).orElseThrow().balance() == card.balance(),
                    "the reversal reaches the issuer");
            }
            finally
            {
                channel.disconnect();
            }
        }
    }
}
