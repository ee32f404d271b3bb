package io.interchange.bench.jpos;

import java.io.Serializable;

import org.jpos.iso.ISOException;
import org.jpos.iso.ISOMsg;
import org.jpos.rc.CMF;
import org.jpos.rc.Result;
import org.jpos.transaction.AbortParticipant;
import org.jpos.transaction.Context;
import org.jpos.transaction.ContextConstants;

/**
 * On the abort path only, and only when no participant has put an answer in the context: answers the terminal at
 * the switch with a response code for what failed, so that {@code SendResponse} (next) has something to send.
 * QueryHost's time-out or a link down (HOST_UNREACHABLE) gives 91, SelectDestination's bad card number 14 and
 * no route 15, anything else 96.
 */
public final class ErrorResponse implements AbortParticipant
{
    @Override
    public int prepare(final long id, final Serializable context)
    {
        return PREPARED | READONLY | NO_JOIN;
    }

    @Override
    public int prepareForAbort(final long id, final Serializable context)
    {
        final Context ctx = (Context)context;
        final String responseKey = ContextConstants.RESPONSE.toString();
        final ISOMsg request = ctx.get(ContextConstants.REQUEST.toString());
        if (request != null && ctx.get(responseKey) == null)
        {
            try
            {
                ctx.put(responseKey, answer(request, code(ctx.getResult())));
            }
            catch (final ISOException ex)
            {
                ctx.log(ex);
            }
        }
        return PREPARED | READONLY | NO_JOIN;
    }

    /** The request's fields, the response MTI and {@code code} in field 39. */
    static ISOMsg answer(final ISOMsg request, final String code) throws ISOException
    {
        final ISOMsg response = (ISOMsg)request.clone();
        response.setResponseMTI();
        response.set(39, code);
        return response;
    }

    private static String code(final Result result)
    {
        final Result.Entry failure = result.failure();
        if (failure == null)
        {
            return "96";
        }
        if (failure.getIrc() == CMF.HOST_UNREACHABLE)
        {
            return "91";
        }
        if (failure.getIrc() == CMF.INVALID_CARD_OR_CARDHOLDER_NUMBER)
        {
            return "14";
        }
        if (failure.getIrc() == CMF.ROUTING_ERROR)
        {
            return "15";
        }
        return "96";
    }
}
