package io.interchange.bench.jpos;

import java.io.Serializable;

import org.jpos.core.Configurable;
import org.jpos.core.Configuration;
import org.jpos.iso.ISOException;
import org.jpos.iso.ISOMsg;
import org.jpos.transaction.Context;
import org.jpos.transaction.ContextConstants;
import org.jpos.transaction.TransactionParticipant;

/**
 * Answers the request at the switch with the configured response code (property {@code response-code}, default
 * 12, invalid transaction): what the baseline does with any MTI it does not route.
 */
public final class Decline implements TransactionParticipant, Configurable
{
    private String code = "12";

    @Override
    public void setConfiguration(final Configuration cfg)
    {
        code = cfg.get("response-code", code);
    }

    @Override
    public int prepare(final long id, final Serializable context)
    {
        final Context ctx = (Context)context;
        final ISOMsg request = ctx.get(ContextConstants.REQUEST.toString());
        try
        {
            ctx.put(ContextConstants.RESPONSE.toString(), ErrorResponse.answer(request, code));
            return PREPARED | READONLY | NO_JOIN;
        }
        catch (final ISOException ex)
        {
            ctx.log(ex);
            return ABORTED | READONLY | NO_JOIN;
        }
    }
}
