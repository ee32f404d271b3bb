package io.interchange.tools.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart drawn as inline SVG: axes (linear or logarithmic), ticks, shaded bands, lines and a legend. Written
 * here so that the HTML report is one file that opens anywhere, offline, with nothing fetched.
 */
final class SvgChart
{
    /** One line: points in data units, drawn in order. */
    record Line(String name, String color, double[] x, double[] y)
    {
    }

    /** A stretch of the x axis shaded, with a label: the warm-up, say. */
    record Band(double from, double to, String color, String label)
    {
    }

    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 36;
    private static final int BOTTOM = 48;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;
    private final boolean logY;
    private final List<Line> lines = new ArrayList<>();
    private final List<Band> bands = new ArrayList<>();
    private double[] xTicks;
    private String[] xTickLabels;

    SvgChart(final String title, final String xLabel, final String yLabel, final boolean logX, final boolean logY)
    {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logX = logX;
        this.logY = logY;
    }

    SvgChart line(final String name, final String color, final double[] x, final double[] y)
    {
        lines.add(new Line(name, color, x.clone(), y.clone()));
        return this;
    }

    SvgChart band(final double from, final double to, final String color, final String label)
    {
        bands.add(new Band(from, to, color, label));
        return this;
    }

    /** Ticks of the x axis at these values with these labels, instead of worked-out ones. */
    SvgChart xTicks(final double[] values, final String[] labels)
    {
        xTicks = values.clone();
        xTickLabels = labels.clone();
        return this;
    }

    String render(final int width, final int height)
    {
        final double[] xr = range(true);
        final double[] yr = range(false);
        final int plotW = width - LEFT - RIGHT;
        final int plotH = height - TOP - BOTTOM;
        final StringBuilder svg = new StringBuilder(8_192);
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" " +
            "font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>%n", LEFT, escape(title)));
        for (final Band band : bands)
        {
            final double x0 = sx(Math.max(band.from(), xr[0]), xr, plotW);
            final double x1 = sx(Math.min(band.to(), xr[1]), xr, plotW);
            if (x1 > x0)
            {
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n", x0, TOP, x1 - x0, plotH,
                    band.color()));
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#666\">%s</text>%n", x0 + 3, TOP + 12, escape(band.label())));
            }
        }
        // Grid and ticks.
        final double[] yt = ticks(yr, logY);
        for (final double v : yt)
        {
            final double y = sy(v, yr, plotH);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>%n", LEFT, y, LEFT + plotW, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 4, label(v)));
        }
        final double[] xt = xTicks != null ? xTicks : ticks(xr, logX);
        for (int i = 0; i < xt.length; i++)
        {
            if (xt[i] < xr[0] || xt[i] > xr[1])
            {
                continue;
            }
            final double x = sx(xt[i], xr, plotW);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>%n", x, TOP, x, TOP + plotH));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, TOP + plotH + 16,
                xTickLabels != null ? escape(xTickLabels[i]) : label(xt[i])));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", LEFT, TOP, plotW, plotH));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", LEFT + plotW / 2, height - 10, escape(xLabel)));
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>%n",
            TOP + plotH / 2, TOP + plotH / 2, escape(yLabel)));
        // Lines, then their legend along the top.
        int legendX = LEFT + plotW;
        for (int l = lines.size() - 1; l >= 0; l--)
        {
            final Line line = lines.get(l);
            final StringBuilder points = new StringBuilder();
            for (int i = 0; i < line.x().length; i++)
            {
                if (usable(line.x()[i], logX) && usable(line.y()[i], logY))
                {
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", sx(line.x()[i], xr, plotW), sy(line.y()[i], yr, plotH)));
                }
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" points=\"%s\"/>%n", line.color(),
                points.toString().strip()));
            legendX -= 8 + 7 * line.name().length() + 14;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>%n", legendX, TOP - 16, line.color()));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", legendX + 14, TOP - 7, escape(line.name())));
        }
        return svg.append("</svg>\n").toString();
    }

    private static boolean usable(final double v, final boolean log)
    {
        return !Double.isNaN(v) && !Double.isInfinite(v) && (!log || v > 0);
    }

    /** The data's range on an axis, widened to whole decades (log) or from zero with a tenth's headroom (linear). */
    private double[] range(final boolean xAxis)
    {
        final boolean log = xAxis ? logX : logY;
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (final Line line : lines)
        {
            final double[] values = xAxis ? line.x() : line.y();
            for (final double v : values)
            {
                if (usable(v, log))
                {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (xAxis)
        {
            for (final Band band : bands)
            {
                min = Math.min(min, band.from());
                max = Math.max(max, band.to());
            }
        }
        if (min > max)
        {
            return log ? new double[] {1, 10} : new double[] {0, 1};
        }
        if (log)
        {
            final double low = Math.pow(10, Math.floor(Math.log10(min)));
            final double high = Math.pow(10, Math.ceil(Math.log10(max)));
            return new double[] {low, high > low ? high : low * 10};
        }
        final double low = xAxis ? min : Math.min(0, min);
        final double high = xAxis ? max : max * 1.1;
        return new double[] {low, high > low ? high : low + 1};
    }

    private double sx(final double v, final double[] range, final int plotW)
    {
        return LEFT + fraction(v, range, logX) * plotW;
    }

    private double sy(final double v, final double[] range, final int plotH)
    {
        return TOP + plotH - fraction(v, range, logY) * plotH;
    }

    private static double fraction(final double v, final double[] range, final boolean log)
    {
        if (log)
        {
            return (Math.log10(v) - Math.log10(range[0])) / (Math.log10(range[1]) - Math.log10(range[0]));
        }
        return (v - range[0]) / (range[1] - range[0]);
    }

    /** Decades on a log axis; on a linear one about six round steps (1, 2 or 5 times a power of ten). */
    private static double[] ticks(final double[] range, final boolean log)
    {
        final List<Double> ticks = new ArrayList<>();
        if (log)
        {
            for (double v = range[0]; v <= range[1] * 1.0001; v *= 10)
            {
                ticks.add(v);
            }
        }
        else
        {
            final double raw = (range[1] - range[0]) / 6;
            final double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            final double step = raw / magnitude < 2 ? 2 * magnitude : raw / magnitude < 5 ? 5 * magnitude : 10 * magnitude;
            for (double v = Math.ceil(range[0] / step) * step; v <= range[1] + step * 1e-9; v += step)
            {
                ticks.add(v);
            }
        }
        final double[] values = new double[ticks.size()];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = ticks.get(i);
        }
        return values;
    }

    private static String label(final double v)
    {
        final double a = Math.abs(v);
        if (a >= 1e6)
        {
            return String.format(Locale.ROOT, "%sM", trim(v / 1e6));
        }
        if (a >= 1e4)
        {
            return String.format(Locale.ROOT, "%sk", trim(v / 1e3));
        }
        return trim(v);
    }

    private static String trim(final double v)
    {
        return v == Math.rint(v) ? Long.toString((long)v) : String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
    }

    static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
