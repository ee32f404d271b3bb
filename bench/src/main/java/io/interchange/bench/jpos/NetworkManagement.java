package io.interchange.bench.jpos;

import java.io.Serializable;

import org.jpos.iso.ISOException;
import org.jpos.iso.ISOMsg;
import org.jpos.transaction.Context;
import org.jpos.transaction.ContextConstants;
import org.jpos.transaction.TransactionParticipant;

/**
 * Answers an 0800 network-management request at the switch, as a jPOS acquirer gateway does: 0810 with 39=00 for
 * sign-on (70 = 001), sign-off (002) and echo (301), 12 for any other code. The answer echoes the request's fields
 * (ISOMsg clone, response MTI) and goes into the context's RESPONSE for {@code SendResponse}.
 */
public final class NetworkManagement implements TransactionParticipant
{
    @Override
    public int prepare(final long id, final Serializable context)
    {
        final Context ctx = (Context)context;
        final ISOMsg request = ctx.get(ContextConstants.REQUEST.toString());
        try
        {
            final ISOMsg response = (ISOMsg)request.clone();
            response.setResponseMTI();
            final String code = request.getString(70);
            response.set(39, "001".equals(code) || "002".equals(code) || "301".equals(code) ? "00" : "12");
            ctx.put(ContextConstants.RESPONSE.toString(), response);
            return PREPARED | READONLY | NO_JOIN;
        }
        catch (final ISOException ex)
        {
            ctx.log(ex);
            return ABORTED | READONLY | NO_JOIN;
        }
    }
}
