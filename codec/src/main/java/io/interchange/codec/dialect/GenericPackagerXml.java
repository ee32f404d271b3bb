package io.interchange.codec.dialect;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;

import io.interchange.codec.Dialect;
import io.interchange.codec.FieldSpec;
import io.interchange.codec.FieldType;
import io.interchange.codec.LengthEncoding;
import io.interchange.codec.Padding;
import io.interchange.codec.ValueEncoding;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.ext.DeclHandler;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads a dialect from a jPOS GenericPackager XML file ({@code <isopackager><isofield id length name class
 * pad/>...}), the format most ISO 8583 shops already keep their field definitions in. Each jPOS field class
 * becomes a {@link FieldSpec} through a table below, never through reflection; classes outside the table are
 * refused with the file, line and field, so a dialect is never half understood.
 *
 * <p>The parser never goes to the network: the DTD a file names is not fetched, and a file that declares an
 * external entity is refused (XXE, CWE-611). Internal entities are bounded by the JDK's secure-processing
 * limits.
 */
public final class GenericPackagerXml
{
    /** Builds the spec for a field of this class from its id, length and pad attribute. */
    @FunctionalInterface
    private interface Mapping
    {
        FieldSpec spec(int id, int length, boolean pad, String name);
    }

    private static final Map<String, Mapping> FIELD_CLASSES = Map.ofEntries(
        Map.entry("IFA_NUMERIC", (id, len, pad, name) -> fixedNumeric(id, len, ValueEncoding.ASCII, name)),
        Map.entry("IFB_NUMERIC", (id, len, pad, name) -> fixedNumeric(id, len, bcd(pad), name)),
        Map.entry("IFA_LLNUM", (id, len, pad, name) -> FieldSpec.var(id, numeric(id), 2, LengthEncoding.ASCII, len, ValueEncoding.ASCII, name)),
        Map.entry("IFA_LLLNUM", (id, len, pad, name) -> FieldSpec.var(id, numeric(id), 3, LengthEncoding.ASCII, len, ValueEncoding.ASCII, name)),
        Map.entry("IFB_LLNUM", (id, len, pad, name) -> FieldSpec.var(id, numeric(id), 2, LengthEncoding.BCD, len, bcd(pad), name)),
        Map.entry("IFB_LLLNUM", (id, len, pad, name) -> FieldSpec.var(id, numeric(id), 3, LengthEncoding.BCD, len, bcd(pad), name)),
        Map.entry("IF_CHAR", (id, len, pad, name) -> FieldSpec.ans(id, len, name)),
        Map.entry("IFA_LLCHAR", (id, len, pad, name) -> text(id, 2, LengthEncoding.ASCII, len, name)),
        Map.entry("IFA_LLLCHAR", (id, len, pad, name) -> text(id, 3, LengthEncoding.ASCII, len, name)),
        Map.entry("IFA_LLLLCHAR", (id, len, pad, name) -> text(id, 4, LengthEncoding.ASCII, len, name)),
        Map.entry("IFB_LLCHAR", (id, len, pad, name) -> text(id, 2, LengthEncoding.BCD, len, name)),
        Map.entry("IFB_LLLCHAR", (id, len, pad, name) -> text(id, 3, LengthEncoding.BCD, len, name)),
        Map.entry("IFB_LLLLCHAR", (id, len, pad, name) -> text(id, 4, LengthEncoding.BCD, len, name)),
        Map.entry("IFB_LLHCHAR", (id, len, pad, name) -> text(id, 2, LengthEncoding.BINARY, len, name)),
        Map.entry("IFB_LLLHCHAR", (id, len, pad, name) -> text(id, 3, LengthEncoding.BINARY, len, name)),
        Map.entry("IFA_AMOUNT", (id, len, pad, name) -> FieldSpec.xn(id, len, ValueEncoding.ASCII, name)),
        Map.entry("IFB_AMOUNT", (id, len, pad, name) -> FieldSpec.xn(id, len, bcd(pad), name)),
        Map.entry("IFA_BINARY", (id, len, pad, name) -> FieldSpec.b(id, len, ValueEncoding.HEX, name)),
        Map.entry("IFB_BINARY", (id, len, pad, name) -> FieldSpec.b(id, len, ValueEncoding.BINARY, name)),
        Map.entry("IFA_LLBINARY", (id, len, pad, name) -> binary(id, 2, LengthEncoding.ASCII, len, name)),
        Map.entry("IFA_LLLBINARY", (id, len, pad, name) -> binary(id, 3, LengthEncoding.ASCII, len, name)),
        Map.entry("IFB_LLBINARY", (id, len, pad, name) -> binary(id, 2, LengthEncoding.BCD, len, name)),
        Map.entry("IFB_LLLBINARY", (id, len, pad, name) -> binary(id, 3, LengthEncoding.BCD, len, name)),
        Map.entry("IFB_LLHBINARY", (id, len, pad, name) -> binary(id, 2, LengthEncoding.BINARY, len, name)),
        Map.entry("IFB_LLLHBINARY", (id, len, pad, name) -> binary(id, 3, LengthEncoding.BINARY, len, name)));

    private static final String JPOS_PACKAGE = "org.jpos.iso.";

    private GenericPackagerXml()
    {
    }

    /** Loads the file; the dialect is named after it without its extension. */
    public static Dialect load(final Path file)
    {
        final String fileName = file.getFileName().toString();
        final int dot = fileName.lastIndexOf('.');
        try (InputStream in = Files.newInputStream(file))
        {
            return load(in, file.toString(), dot > 0 ? fileName.substring(0, dot) : fileName);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException(file + ": cannot read: " + ex.getMessage(), ex);
        }
    }

    /**
     * Loads a dialect from {@code in}; {@code source} names it in error messages.
     *
     * @throws IllegalArgumentException naming the source, line and field when the file is not a dialect we can
     *                                  read exactly.
     */
    public static Dialect load(final InputStream in, final String source, final String dialectName)
    {
        final Handler handler = new Handler(source, dialectName);
        try
        {
            final SAXParser parser = secureParserFactory().newSAXParser();
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            parser.setProperty("http://xml.org/sax/properties/declaration-handler", handler);
            parser.parse(new InputSource(in), handler);
        }
        catch (final SAXParseException ex)
        {
            throw new IllegalArgumentException(source + ":" + ex.getLineNumber() + ": " + ex.getMessage(), ex);
        }
        catch (final SAXException | ParserConfigurationException ex)
        {
            throw new IllegalArgumentException(source + ": " + ex.getMessage(), ex);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException(source + ": cannot read: " + ex.getMessage(), ex);
        }
        return handler.dialect();
    }

    private static SAXParserFactory secureParserFactory() throws ParserConfigurationException, SAXException
    {
        final SAXParserFactory factory = SAXParserFactory.newInstance();
        factory.setNamespaceAware(false);
        factory.setValidating(false);
        factory.setXIncludeAware(false);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        return factory;
    }

    private static final class Handler extends DefaultHandler implements DeclHandler
    {
        private final String source;
        private final Dialect.Builder builder;
        private Locator locator;
        private boolean sawPackager;
        private boolean sawMti;
        private boolean sawBitmap;

        Handler(final String source, final String dialectName)
        {
            this.source = source;
            this.builder = Dialect.builder(dialectName);
        }

        @Override
        public void setDocumentLocator(final Locator locator)
        {
            this.locator = locator;
        }

        @Override
        public InputSource resolveEntity(final String publicId, final String systemId)
        {
            // Never fetch: the DTD a packager file names (jpos.org) is not needed to read it.
            return new InputSource(new StringReader(""));
        }

        @Override
        public void externalEntityDecl(final String name, final String publicId, final String systemId) throws SAXException
        {
            throw fail("external entity '" + name + "' (" + systemId + ") refused");
        }

        @Override
        public void internalEntityDecl(final String name, final String value)
        {
        }

        @Override
        public void elementDecl(final String name, final String model)
        {
        }

        @Override
        public void attributeDecl(final String eName, final String aName, final String type, final String mode, final String value)
        {
        }

        @Override
        public void startElement(final String uri, final String localName, final String qName, final Attributes atts) throws SAXException
        {
            switch (qName)
            {
                case "isopackager":
                    if (sawPackager)
                    {
                        throw fail("nested <isopackager> (sub-field packagers) are not supported");
                    }
                    sawPackager = true;
                    layout(atts);
                    break;
                case "isofield":
                    field(atts);
                    break;
                case "isofieldpackager":
                    throw fail("field " + atts.getValue("id") + ": <isofieldpackager> (sub-field packagers) is not supported");
                default:
                    throw fail("unexpected element <" + qName + ">");
            }
        }

        /**
         * The attributes of {@code <isopackager>} that jPOS reads as a layout we do not: a header before the MTI, no
         * bitmap, the bitmap elsewhere than field 1, a tertiary bitmap. Refused unless they say the default.
         */
        private void layout(final Attributes atts) throws SAXException
        {
            final String header = atts.getValue("headerLength");
            if (header != null && !"0".equals(header.trim()))
            {
                throw fail("headerLength=\"" + header + "\" is not supported: a header before the MTI belongs to the framing");
            }
            final String emitBitmap = atts.getValue("emitBitmap");
            if (emitBitmap != null && !Boolean.parseBoolean(emitBitmap))
            {
                throw fail("emitBitmap=\"" + emitBitmap + "\" is not supported: messages without a bitmap");
            }
            final String bitmapField = atts.getValue("bitmapField");
            if (bitmapField != null && !"1".equals(bitmapField.trim()))
            {
                throw fail("bitmapField=\"" + bitmapField + "\" is not supported: the bitmap is field 1");
            }
            if (atts.getValue("thirdBitmapField") != null)
            {
                throw fail("thirdBitmapField=\"" + atts.getValue("thirdBitmapField") + "\" is not supported: no tertiary bitmap");
            }
        }

        private void field(final Attributes atts) throws SAXException
        {
            if (!sawPackager)
            {
                throw fail("<isofield> outside <isopackager>");
            }
            final int id = integer(atts, "id");
            final int length = integer(atts, "length");
            final String className = required(atts, "class");
            final String name = atts.getValue("name") == null ? "FIELD " + id : atts.getValue("name");
            final boolean pad = Boolean.parseBoolean(atts.getValue("pad"));
            final String simpleName = className.startsWith(JPOS_PACKAGE) ? className.substring(JPOS_PACKAGE.length()) : className;
            try
            {
                if (id == 0)
                {
                    mti(simpleName, length);
                }
                else if (id == 1)
                {
                    bitmap(simpleName);
                }
                else
                {
                    final Mapping mapping = FIELD_CLASSES.get(simpleName);
                    if (mapping == null)
                    {
                        throw fail("field " + id + ": class " + className + " is not supported (supported: " +
                            String.join(", ", new TreeSet<>(FIELD_CLASSES.keySet())) + ")");
                    }
                    builder.field(mapping.spec(id, length, pad, name));
                }
            }
            catch (final IllegalArgumentException ex)
            {
                throw fail(ex.getMessage());
            }
        }

        private void mti(final String simpleName, final int length) throws SAXException
        {
            if (length != 4)
            {
                throw fail("field 0: the MTI is 4 digits, not " + length);
            }
            switch (simpleName)
            {
                case "IFA_NUMERIC":
                    builder.mti(ValueEncoding.ASCII);
                    break;
                case "IFB_NUMERIC":
                    builder.mti(ValueEncoding.BCD_LEFT);
                    break;
                default:
                    throw fail("field 0: MTI class " + simpleName + " is not supported (IFA_NUMERIC or IFB_NUMERIC)");
            }
            sawMti = true;
        }

        private void bitmap(final String simpleName) throws SAXException
        {
            switch (simpleName)
            {
                case "IFA_BITMAP":
                    builder.bitmap(ValueEncoding.HEX);
                    break;
                case "IFB_BITMAP":
                    builder.bitmap(ValueEncoding.BINARY);
                    break;
                default:
                    throw fail("field 1: bitmap class " + simpleName + " is not supported (IFA_BITMAP or IFB_BITMAP)");
            }
            sawBitmap = true;
        }

        Dialect dialect()
        {
            if (!sawMti || !sawBitmap)
            {
                throw new IllegalArgumentException(source + ": field " + (sawMti ? "1 (bitmap)" : "0 (MTI)") + " is not defined");
            }
            return builder.build();
        }

        private int integer(final Attributes atts, final String name) throws SAXException
        {
            final String value = required(atts, name);
            try
            {
                return Integer.parseInt(value.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw fail("attribute " + name + "=\"" + value + "\" is not a number");
            }
        }

        private String required(final Attributes atts, final String name) throws SAXException
        {
            final String value = atts.getValue(name);
            if (value == null)
            {
                throw fail("<isofield> without attribute '" + name + "'");
            }
            return value;
        }

        private SAXException fail(final String message)
        {
            return new SAXParseException(message, locator);
        }
    }

    // ISO 8583:1987 gives tracks 2 and 3 the z code set; jPOS reads them as numbers with '=' for nibble D.
    private static FieldType numeric(final int id)
    {
        return id == 35 || id == 36 ? FieldType.Z : FieldType.N;
    }

    private static ValueEncoding bcd(final boolean leftPadded)
    {
        return leftPadded ? ValueEncoding.BCD_LEFT : ValueEncoding.BCD_RIGHT;
    }

    private static FieldSpec fixedNumeric(final int id, final int length, final ValueEncoding encoding, final String name)
    {
        return new FieldSpec(id, name, numeric(id), length, 0, LengthEncoding.FIXED, encoding, Padding.ZERO_LEFT);
    }

    private static FieldSpec text(final int id, final int digits, final LengthEncoding prefix, final int length, final String name)
    {
        return FieldSpec.var(id, FieldType.ANS, digits, prefix, length, ValueEncoding.ASCII, name);
    }

    private static FieldSpec binary(final int id, final int digits, final LengthEncoding prefix, final int length, final String name)
    {
        return FieldSpec.var(id, FieldType.B, digits, prefix, length, ValueEncoding.BINARY, name);
    }
}
