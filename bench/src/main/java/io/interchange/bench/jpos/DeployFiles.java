package io.interchange.bench.jpos;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The baseline's Q2 deploy directory, file name to XML, with this run's ports: what a jPOS shop keeps in
 * {@code deploy/}, Q2 deploying the files in name order (logger, issuer channels, muxes, transaction manager,
 * server).
 */
final class DeployFiles
{
    private static final String CHANNEL = "org.jpos.iso.channel.NACChannel";
    private static final String PACKAGER = "org.jpos.iso.packager.ISO87BPackager";

    private DeployFiles()
    {
    }

    static Map<String, String> of(final JposSwitch.Settings settings, final Path logFile)
    {
        final Map<String, String> files = new LinkedHashMap<>();
        files.put("00_logger.xml", logger(settings.logMessages(), logFile));
        for (final JposSwitch.Issuer issuer : settings.issuers())
        {
            files.put("10_" + issuer.name() + "_channel.xml", channelAdaptor(issuer, settings.logMessages()));
            files.put("20_" + issuer.name() + "_mux.xml", mux(issuer));
        }
        files.put("30_txnmgr.xml", transactionManager(settings));
        files.put("40_server.xml", server(settings));
        return files;
    }

    private static String logger(final boolean logMessages, final Path logFile)
    {
        // ProtectedLogListener first, so that what the file listener sees is already masked and wiped; then the raw frames
        // of messages that did not unpack, which it does not see into, withheld.
        final String protect = logMessages ? """
              <log-listener class="org.jpos.util.ProtectedLogListener">
                <property name="protect" value="2 34"/>
                <property name="wipe" value="14 35 36 45 52 55"/>
              </log-listener>
              <log-listener class="%s"/>
            """.formatted(RawFrameWithholder.class.getName()) : "";
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <logger name="Q2" class="org.jpos.q2.qbean.LoggerAdaptor">
            %s  <log-listener class="org.jpos.util.RotateLogListener">
                <property name="file" value="%s"/>
                <property name="window" value="86400"/>
                <property name="copies" value="5"/>
                <property name="maxsize" value="100000000"/>
              </log-listener>
            </logger>
            """.formatted(protect, xml(logFile.toString()));
    }

    private static String channelAdaptor(final JposSwitch.Issuer issuer, final boolean logMessages)
    {
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <channel-adaptor name="%1$s-channel" class="org.jpos.q2.iso.ChannelAdaptor" logger="Q2">
              <channel class="%2$s" packager="%3$s"%4$s>
                <property name="host" value="%5$s"/>
                <property name="port" value="%6$d"/>
              </channel>
              <in>%1$s-send</in>
              <out>%1$s-receive</out>
              <reconnect-delay>1000</reconnect-delay>
            </channel-adaptor>
            """.formatted(issuer.name(), CHANNEL, PACKAGER, logMessages ? " logger=\"Q2\" realm=\"" + issuer.name() + "-channel\"" : "",
            JposSwitch.LOOPBACK, issuer.port());
    }

    private static String mux(final JposSwitch.Issuer issuer)
    {
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <mux name="%1$s" class="org.jpos.q2.iso.QMUX" logger="Q2">
              <in>%1$s-receive</in>
              <out>%1$s-send</out>
              <ready>%1$s-channel.ready</ready>
              <key>41, 11</key>
            </mux>
            """.formatted(issuer.name());
    }

    private static String transactionManager(final JposSwitch.Settings settings)
    {
        final StringBuilder endpoints = new StringBuilder();
        for (final JposSwitch.Issuer issuer : settings.issuers())
        {
            endpoints.append("        <endpoint destination=\"").append(issuer.name()).append("\">")
                .append(String.join(" ", issuer.bins())).append("</endpoint>\n");
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <txnmgr name="txnmgr" class="org.jpos.transaction.TransactionManager" logger="Q2">
              <property name="queue" value="TXNMGR"/>
              <property name="sessions" value="%1$d"/>
              <property name="max-sessions" value="%1$d"/>
              <property name="debug" value="%2$b"/>
              <!-- The context dump would print REQUEST and RESPONSE past the ProtectedLogListener: the channels log them, protected. -->
              <property name="debug-context" value="false"/>

              <participant class="io.interchange.bench.jpos.SelectByMti" logger="Q2" realm="select-by-mti">
                <property name="0800" value="network"/>
                <property name="0200" value="financial"/>
                <property name="unknown" value="unsupported"/>
              </participant>

              <group name="network">
                <participant class="io.interchange.bench.jpos.NetworkManagement" logger="Q2"/>
              </group>

              <group name="financial">
                <participant class="org.jpos.transaction.participant.SelectDestination" logger="Q2">
                  <property name="fail" value="true"/>
            %3$s    </participant>
                <participant class="org.jpos.transaction.participant.QueryHost" logger="Q2">
                  <property name="timeout" value="%4$d"/>
                </participant>
              </group>

              <group name="unsupported">
                <participant class="io.interchange.bench.jpos.Decline" logger="Q2">
                  <property name="response-code" value="12"/>
                </participant>
              </group>

              <participant class="io.interchange.bench.jpos.ErrorResponse" logger="Q2"/>
              <participant class="org.jpos.transaction.participant.SendResponse" logger="Q2"/>
            </txnmgr>
            """.formatted(settings.sessions(), settings.logMessages(), endpoints, settings.timeoutMillis());
    }

    private static String server(final JposSwitch.Settings settings)
    {
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <server name="pos-server" class="org.jpos.q2.iso.QServer" logger="Q2">
              <attr name="port" type="java.lang.Integer">%1$d</attr>
              <property name="bind-address" value="%2$s"/>
              <property name="allow" value="%2$s"/>
              <channel class="%3$s" packager="%4$s"%5$s/>
              <request-listener class="org.jpos.iso.IncomingListener" logger="Q2" realm="incoming-request-listener">
                <property name="queue" value="TXNMGR"/>
              </request-listener>
            </server>
            """.formatted(settings.port(), JposSwitch.LOOPBACK, CHANNEL, PACKAGER,
            settings.logMessages() ? " logger=\"Q2\" realm=\"pos-channel\"" : "");
    }

    /** {@code text} safe inside an XML attribute. */
    private static String xml(final String text)
    {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
