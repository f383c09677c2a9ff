package io.gradlab.cli.report;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a standalone SVG document (as VectorGraphics2D writes it) into markup to place inside an
 * HTML page: no XML prolog or DOCTYPE, no namespace declarations (the HTML parser puts {@code <svg>}
 * in the SVG namespace by itself), ids made unique in the page with a per-chart prefix, and
 * coordinates rounded to one decimal (text is drawn as glyph outlines, so this halves the size without
 * a visible difference).
 */
final class InlineSvg {
    private static final Pattern PROLOG = Pattern.compile("<\\?xml[^>]*\\?>\\s*");
    private static final Pattern DOCTYPE = Pattern.compile("<!DOCTYPE[^>]*>\\s*");
    private static final Pattern XMLNS = Pattern.compile("\\s+xmlns(?::\\w+)?=\"[^\"]*\"");
    private static final Pattern DECIMALS = Pattern.compile("(\\d\\.\\d)\\d+");
    private static final Pattern ID = Pattern.compile("\\bid=\"([^\"]+)\"");
    private static final Pattern REF = Pattern.compile("url\\(#([^)]+)\\)");
    private static final Pattern SVG_TAG = Pattern.compile("<svg\\b");

    private InlineSvg() {}

    static String inline(byte[] svgDocument, String idPrefix, String cssClass, String title) {
        String svg = new String(svgDocument, StandardCharsets.UTF_8);
        svg = PROLOG.matcher(svg).replaceFirst("");
        svg = DOCTYPE.matcher(svg).replaceFirst("");
        svg = XMLNS.matcher(svg).replaceAll("");
        svg = DECIMALS.matcher(svg).replaceAll("$1");
        svg = ID.matcher(svg).replaceAll(m -> Matcher.quoteReplacement("id=\"" + idPrefix + m.group(1) + "\""));
        svg = REF.matcher(svg).replaceAll(m -> Matcher.quoteReplacement("url(#" + idPrefix + m.group(1) + ")"));
        String open = "<svg class=\"" + cssClass + "\" role=\"img\" aria-label=\"" + Html.esc(title) + "\"";
        svg = SVG_TAG.matcher(svg).replaceFirst(Matcher.quoteReplacement(open));
        return svg.strip();
    }
}
