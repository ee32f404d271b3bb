package io.interchange.tools.issuer;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Cards for the issuer tests, one per answer they should get on 15 March 2026 (the {@link #clock()}), and the
 * Luhn arithmetic to make more.
 */
final class TestCards
{
    /** The day the tests run on, as the issuer sees it; field 7 of the requests is this day too. */
    static final Instant TODAY = Instant.parse("2026-03-15T10:00:00Z");
    static final String TRANSMISSION_TIME = "0315100000";

    static final String ACTIVE = withCheckDigit("476173000000001");
    static final String LOST = withCheckDigit("476173000000002");
    static final String STOLEN = withCheckDigit("476173000000003");
    static final String EXPIRED = withCheckDigit("476173000000004");
    /** Expires this month: still good. */
    static final String EXPIRES_THIS_MONTH = withCheckDigit("476173000000005");
    static final String POOR = withCheckDigit("476173000000006");
    static final String LIMITED = withCheckDigit("476173000000007");
    /** Luhn-valid, but not in the book. */
    static final String UNKNOWN = withCheckDigit("476173999999999");

    static final int ACTIVE_EXPIRY = 3012;
    static final long ACTIVE_BALANCE = 100_000;
    static final long ACTIVE_LIMIT = 50_000;
    static final long POOR_BALANCE = 1_000;
    static final long LIMITED_LIMIT = 5_000;

    private TestCards()
    {
    }

    static CardBook book()
    {
        return CardBook.of(List.of(
            new CardAccount(ACTIVE, CardStatus.ACTIVE, ACTIVE_EXPIRY, ACTIVE_BALANCE, ACTIVE_LIMIT, 0),
            new CardAccount(LOST, CardStatus.LOST, ACTIVE_EXPIRY, ACTIVE_BALANCE, ACTIVE_LIMIT, 0),
            new CardAccount(STOLEN, CardStatus.STOLEN, ACTIVE_EXPIRY, ACTIVE_BALANCE, ACTIVE_LIMIT, 0),
            new CardAccount(EXPIRED, CardStatus.ACTIVE, 2602, ACTIVE_BALANCE, ACTIVE_LIMIT, 0),
            new CardAccount(EXPIRES_THIS_MONTH, CardStatus.ACTIVE, 2603, ACTIVE_BALANCE, ACTIVE_LIMIT, 0),
            new CardAccount(POOR, CardStatus.ACTIVE, ACTIVE_EXPIRY, POOR_BALANCE, ACTIVE_LIMIT, 0),
            new CardAccount(LIMITED, CardStatus.ACTIVE, ACTIVE_EXPIRY, ACTIVE_BALANCE, LIMITED_LIMIT, 0)));
    }

    static Clock clock()
    {
        return Clock.fixed(TODAY, ZoneOffset.UTC);
    }

    /** {@code body} and the Luhn check digit that makes it a valid PAN. */
    static String withCheckDigit(final String body)
    {
        int sum = 0;
        for (int i = 0; i < body.length(); i++)
        {
            int d = body.charAt(body.length() - 1 - i) - '0';
            if ((i & 1) == 0)
            {
                d *= 2;
                d -= d > 9 ? 9 : 0;
            }
            sum += d;
        }
        return body + (10 - sum % 10) % 10;
    }

    /** A clock the test moves: the issuer reads it on its own thread. */
    static final class MovableClock extends Clock
    {
        private volatile Instant now;

        MovableClock(final Instant start)
        {
            this.now = start;
        }

        void set(final Instant instant)
        {
            now = instant;
        }

        @Override
        public ZoneId getZone()
        {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final ZoneId zone)
        {
            throw new UnsupportedOperationException("UTC only");
        }

        @Override
        public Instant instant()
        {
            return now;
        }
    }
}
