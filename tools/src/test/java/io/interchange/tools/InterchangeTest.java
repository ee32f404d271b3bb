package io.interchange.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InterchangeTest
{
    @Test
    void shouldPrintVersion()
    {
        final Cli.Result result = Cli.run("--version").expectSuccess();
        assertTrue(result.out().startsWith("interchange "), result::toString);
        assertTrue(result.out().contains("Java " + Runtime.version()), result::toString);
    }

    @Test
    void shouldListCommandGroupsInHelp()
    {
        final Cli.Result result = Cli.run("--help").expectSuccess();
        assertTrue(result.out().contains("Usage: interchange"), result::toString);
        assertTrue(result.out().contains("iso"), result::toString);
    }

    @Test
    void shouldShowSubcommandHelpThroughHelpCommand()
    {
        assertTrue(Cli.run("help", "iso").expectSuccess().out().contains("Usage: interchange iso [-hV] [COMMAND]"));
        final Cli.Result result = Cli.run("iso", "help", "decode").expectSuccess();
        // Help wraps to the terminal's width: compare with the line breaks taken out.
        final String text = result.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("Usage: interchange iso decode"), result::toString);
        assertTrue(text.contains("iso87b, iso87a, cups"), result::toString);
        assertTrue(text.contains("none, binary-2, ascii-4, unionpay-pos"), result::toString);
    }

    @Test
    void shouldRefuseMissingCommandWithUsage()
    {
        final Cli.Result top = Cli.run();
        assertEquals(2, top.exitCode(), top::toString);
        assertTrue(top.err().startsWith("interchange: missing command"), top::toString);
        assertTrue(top.err().contains("Commands:"), top::toString);
        assertEquals("", top.out());

        final Cli.Result iso = Cli.run("iso");
        assertEquals(2, iso.exitCode(), iso::toString);
        assertTrue(iso.err().startsWith("interchange iso: missing command"), iso::toString);
    }

    @Test
    void shouldSuggestTheCommandMeantForATypo()
    {
        final Cli.Result result = Cli.run("iso", "decod", "0200").expectInputError();
        assertTrue(result.errLine().startsWith("interchange iso: "), result::toString);
        assertTrue(result.errLine().contains("'decod'"), result::toString);
        assertTrue(result.errLine().contains("did you mean decode"), result::toString);
    }

    @Test
    void shouldRefuseUnknownOption()
    {
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", "iso87b", "--colour", "0200").expectInputError();
        assertTrue(result.errLine().contains("--colour"), result::toString);
    }
}
