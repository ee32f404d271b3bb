package io.interchange.engine.link;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Mutual TLS says the acquirer's certificate comes from a CA the listener trusts; this says it is the acquirer the
 * listener is for. Between the {@link SslHandler} and the {@link FrameHandler}: a handshake that succeeded with a
 * client certificate naming none of the listener's peer names (its subject's common name or a DNS subject alternative
 * name) is closed before the link comes up, so another acquirer's certificate under the same CA cannot send as this
 * one (the listener decides field 32).
 */
final class PeerNames extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(PeerNames.class);
    private static final int DNS_NAME = 2;

    private final String listener;
    private final Set<String> allowed;

    /** @param allowed the names, in lower case: DNS names are not case-sensitive, and common names are matched so too. */
    PeerNames(final String listener, final Set<String> allowed)
    {
        this.listener = listener;
        this.allowed = Set.copyOf(allowed);
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess())
        {
            final List<String> names = names(ctx);
            if (names.stream().map(name -> name.toLowerCase(Locale.ROOT)).noneMatch(allowed::contains))
            {
                LOG.warn("{}: refused {}: its certificate names {}, none of this listener's peer names", listener, ctx.channel().remoteAddress(), names);
                ctx.close();
                return;
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** The peer certificate's common names and DNS subject alternative names; none when it showed no certificate. */
    private static List<String> names(final ChannelHandlerContext ctx)
    {
        final List<String> names = new ArrayList<>();
        try
        {
            final Certificate[] chain = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate peer))
            {
                return names;
            }
            for (final Rdn rdn : new LdapName(peer.getSubjectX500Principal().getName()).getRdns())
            {
                // A multi-valued RDN (CN=a+O=b) holds more than its first type: look at each.
                final Attribute cn = rdn.toAttributes().get("CN");
                if (cn != null)
                {
                    for (int i = 0; i < cn.size(); i++)
                    {
                        names.add(String.valueOf(cn.get(i)));
                    }
                }
            }
            final Collection<List<?>> alternatives = peer.getSubjectAlternativeNames();
            if (alternatives != null)
            {
                for (final List<?> alternative : alternatives)
                {
                    if (alternative.size() == 2 && Integer.valueOf(DNS_NAME).equals(alternative.get(0)))
                    {
                        names.add(String.valueOf(alternative.get(1)));
                    }
                }
            }
        }
        catch (final SSLPeerUnverifiedException | NamingException | CertificateParsingException e)
        {
            LOG.warn("peer certificate unreadable: {}", e.toString());
        }
        return names;
    }
}
