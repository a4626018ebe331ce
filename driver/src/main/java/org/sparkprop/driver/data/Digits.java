package org.sparkprop.driver.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Digit-like 28×28 grey images for the built-in {@code digits} data set. Each class has a pen-stroke prototype
 * (polylines in a unit box, some strokes optional, like the flag of a 1 or the bar of a 7); each image draws it
 * with its own random height, width, slant, rotation, position, smooth warp (a sum of sines displacing the unit
 * box, so closed loops stay closed), pen thickness and ink, then adds pixel noise and sometimes a stray stroke.
 * Values are in [0, 1], background near 0.
 */
final class Digits {
    static final int SIDE = 28;
    static final int PIXELS = SIDE * SIDE;
    static final int CLASSES = 10;
    /** Standard deviation of each sine's amplitude in the warp, in units of the glyph's size. */
    private static final double WARP = 0.04;

    /** A polyline (x0, y0, x1, y1, ...) in the unit box, x right and y down, drawn with this probability. */
    private record Stroke(double[] points, double probability) {
    }

    private static final List<List<Stroke>> PROTOTYPES = List.of(
            List.of(always(ellipse(0.5, 0.5, 0.48, 0.5))),
            List.of(always(0.55, 0.0, 0.55, 1.0), sometimes(0.6, 0.25, 0.25, 0.55, 0.0)),
            List.of(always(0.05, 0.25, 0.25, 0.03, 0.6, 0.0, 0.9, 0.12, 0.95, 0.35, 0.7, 0.6, 0.0, 1.0, 1.0, 1.0)),
            List.of(always(0.05, 0.08, 0.5, 0.0, 0.9, 0.12, 0.9, 0.35, 0.45, 0.5, 0.95, 0.65, 0.95, 0.88, 0.55, 1.0,
                    0.05, 0.92)),
            List.of(always(0.75, 1.0, 0.75, 0.0, 0.0, 0.65, 1.0, 0.65)),
            List.of(always(0.95, 0.0, 0.15, 0.0, 0.05, 0.45, 0.55, 0.38, 0.95, 0.6, 0.95, 0.85, 0.6, 1.0, 0.05, 0.93)),
            List.of(always(0.85, 0.02, 0.4, 0.15, 0.1, 0.5, 0.08, 0.8, 0.35, 1.0, 0.75, 0.98, 0.95, 0.75, 0.8, 0.52,
                    0.4, 0.5, 0.1, 0.65)),
            List.of(always(0.0, 0.0, 1.0, 0.0, 0.35, 1.0), sometimes(0.3, 0.35, 0.5, 0.85, 0.5)),
            List.of(always(ellipse(0.5, 0.25, 0.38, 0.25)), always(ellipse(0.5, 0.73, 0.47, 0.27))),
            List.of(always(ellipse(0.5, 0.3, 0.45, 0.3)), always(0.95, 0.3, 0.85, 1.0)));

    private Digits() {
    }

    /** Draws one random digit into {@code image[offset .. offset + 784)} (row-major; Modified) and returns its class. */
    static int draw(SplitMix64 rng, float[] image, int offset) {
        int digit = rng.nextInt(CLASSES);
        double height = rng.uniform(15, 21);
        double width = height * rng.uniform(0.55, 0.8);
        double slant = rng.uniform(-0.35, 0.35);
        double angle = rng.uniform(-0.15, 0.15);
        double centreX = SIDE / 2.0 + rng.uniform(-3, 3);
        double centreY = SIDE / 2.0 + rng.uniform(-3, 3);
        double pen = rng.uniform(1.0, 2.6);
        double ink = rng.uniform(0.75, 1.0);
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double[] warp = new double[8];
        for (int k = 0; k < 8; k += 2) {
            warp[k] = WARP * rng.nextGaussian();
            warp[k + 1] = rng.uniform(0, 2 * Math.PI);
        }
        float[] distance = new float[PIXELS];
        Arrays.fill(distance, Float.MAX_VALUE);
        for (Stroke stroke : PROTOTYPES.get(digit)) {
            if (rng.nextDouble() >= stroke.probability) {
                continue;
            }
            double[] p = stroke.points;
            double[] xy = new double[p.length];
            for (int k = 0; k < p.length; k += 2) {
                double x = p[k];
                double y = p[k + 1];
                double u = (x - 0.5 + warp[0] * Math.sin(2 * Math.PI * y + warp[1]) + warp[2] * Math.sin(2 * Math.PI * x + warp[3])) * width;
                double v = (y - 0.5 + warp[4] * Math.sin(2 * Math.PI * x + warp[5]) + warp[6] * Math.sin(2 * Math.PI * y + warp[7])) * height;
                u += slant * v;
                xy[k] = centreX + cos * u - sin * v;
                xy[k + 1] = centreY + sin * u + cos * v;
            }
            for (int k = 0; k + 3 < xy.length; k += 2) {
                nearest(distance, xy[k], xy[k + 1], xy[k + 2], xy[k + 3], pen + 1);
            }
        }
        if (rng.nextDouble() < 0.25) {
            double x = rng.uniform(0, SIDE);
            double y = rng.uniform(0, SIDE);
            double direction = rng.uniform(0, 2 * Math.PI);
            double length = rng.uniform(3, 7);
            nearest(distance, x, y, x + length * Math.cos(direction), y + length * Math.sin(direction), pen + 1);
        }
        double noise = rng.uniform(0.02, 0.12);
        for (int i = 0; i < PIXELS; i++) {
            double stroke = ink * Math.min(1, Math.max(0, pen / 2 + 0.5 - distance[i]));
            double value = stroke + noise * rng.nextGaussian();
            image[offset + i] = (float) Math.min(1, Math.max(0, value));
        }
        return digit;
    }

    /**
     * Lowers {@code distance[pixel]} to the distance from each pixel centre within {@code reach} of segment
     * (x0, y0)–(x1, y1) to that segment.
     */
    private static void nearest(float[] distance, double x0, double y0, double x1, double y1, double reach) {
        int colFrom = Math.max(0, (int) Math.floor(Math.min(x0, x1) - reach));
        int colTo = Math.min(SIDE - 1, (int) Math.ceil(Math.max(x0, x1) + reach));
        int rowFrom = Math.max(0, (int) Math.floor(Math.min(y0, y1) - reach));
        int rowTo = Math.min(SIDE - 1, (int) Math.ceil(Math.max(y0, y1) + reach));
        double dx = x1 - x0;
        double dy = y1 - y0;
        double lengthSquared = dx * dx + dy * dy;
        for (int row = rowFrom; row <= rowTo; row++) {
            for (int col = colFrom; col <= colTo; col++) {
                double px = col + 0.5 - x0;
                double py = row + 0.5 - y0;
                double t = lengthSquared == 0 ? 0 : Math.min(1, Math.max(0, (px * dx + py * dy) / lengthSquared));
                double ex = px - t * dx;
                double ey = py - t * dy;
                float d = (float) Math.sqrt(ex * ex + ey * ey);
                int i = row * SIDE + col;
                if (d < distance[i]) {
                    distance[i] = d;
                }
            }
        }
    }

    private static Stroke always(double... points) {
        return new Stroke(points, 1.0);
    }

    private static Stroke sometimes(double probability, double... points) {
        return new Stroke(points, probability);
    }

    /** A closed 20-sided polygon around (x, y) with radii rx, ry. */
    private static double[] ellipse(double x, double y, double rx, double ry) {
        int sides = 20;
        List<Double> points = new ArrayList<>();
        for (int k = 0; k <= sides; k++) {
            double a = 2 * Math.PI * k / sides;
            points.add(x + rx * Math.cos(a));
            points.add(y + ry * Math.sin(a));
        }
        return points.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
