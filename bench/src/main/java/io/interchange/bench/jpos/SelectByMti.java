package io.interchange.bench.jpos;

import java.io.Serializable;

import org.jpos.core.Configurable;
import org.jpos.core.Configuration;
import org.jpos.iso.ISOException;
import org.jpos.iso.ISOMsg;
import org.jpos.transaction.Context;
import org.jpos.transaction.ContextConstants;
import org.jpos.transaction.GroupSelector;

/**
 * The baseline's first participant: picks the transaction manager's group by the request's MTI, as jPOS's own
 * {@code Switch} picks it by a transaction name, so that the deploy file reads like a routing table:
 *
 * <pre>{@code
 * <participant class="io.interchange.bench.jpos.SelectByMti">
 *   <property name="0800" value="network"/>
 *   <property name="0200" value="financial"/>
 *   <property name="unknown" value="unsupported"/>
 * </participant>
 * }</pre>
 */
public final class SelectByMti implements GroupSelector, Configurable
{
    private Configuration cfg;

    @Override
    public void setConfiguration(final Configuration configuration)
    {
        this.cfg = configuration;
    }

    @Override
    public int prepare(final long id, final Serializable context)
    {
        return PREPARED | READONLY | NO_JOIN;
    }

    @Override
    public String select(final long id, final Serializable context)
    {
        final ISOMsg request = ((Context)context).get(ContextConstants.REQUEST.toString());
        String groups = null;
        if (request != null)
        {
            try
            {
                groups = cfg.get(request.getMTI(), null);
            }
            catch (final ISOException ex)
            {
                groups = null;
            }
        }
        return groups != null ? groups : cfg.get("unknown", "");
    }
}
