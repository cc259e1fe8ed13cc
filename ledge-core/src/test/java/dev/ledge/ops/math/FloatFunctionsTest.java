package dev.ledge.ops.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Reference values from Python's math module (a correctly rounded libm); Ledge's own forms agree to
 * within a few ulps of a double.
 */
class FloatFunctionsTest {
  private static void close(double expected, double actual) {
    assertEquals(expected, actual, Math.abs(expected) * 1e-14, "expected " + expected);
  }

  @Test
  void erfAcrossTheSeriesAndFractionRanges() {
    close(0.5204998778130465, FloatFunctions.erf(0.5));
    close(0.8427007929497149, FloatFunctions.erf(1));
    close(0.9953222650189527, FloatFunctions.erf(2));
    close(0.9999779095030014, FloatFunctions.erf(3));
    close(-0.9999779095030014, FloatFunctions.erf(-3));
    close(1.1283791670579e-05, FloatFunctions.erf(1e-5));
    assertEquals(1.0, FloatFunctions.erf(10));
    assertEquals(-0.0, FloatFunctions.erf(-0.0));
    assertTrue(Double.isNaN(FloatFunctions.erf(Double.NaN)));
  }

  @Test
  void erfcKeepsPrecisionInTheTail() {
    close(2.2090496998585438e-05, FloatFunctions.erfc(3));
    close(1.5374597944280351e-12, FloatFunctions.erfc(5));
    close(2.088487583762545e-45, FloatFunctions.erfc(10));
    close(1.842700792949715, FloatFunctions.erfc(-1));
    assertEquals(0.0006885138966450789, FloatFunctions.erfc(2.4), 1e-16);
    close(0.00023603441652934908, FloatFunctions.erfc(2.6));
    assertEquals(2.0, FloatFunctions.erfc(-30));
  }

  @Test
  void inverseHyperbolicFunctions() {
    close(9.999999999999999e-09, FloatFunctions.asinh(1e-8));
    close(0.48121182505960347, FloatFunctions.asinh(0.5));
    close(-1.8184464592320668, FloatFunctions.asinh(-3));
    close(23.7189981105004, FloatFunctions.asinh(1e10));
    assertEquals(0.0004472135919037347, FloatFunctions.acosh(1.0000001), 1e-14);
    close(2.993222846126381, FloatFunctions.acosh(10));
    assertTrue(Double.isNaN(FloatFunctions.acosh(0.5)));
    close(0.5493061443340548, FloatFunctions.atanh(0.5));
    close(-1e-09, FloatFunctions.atanh(-1e-9));
    assertEquals(Double.POSITIVE_INFINITY, FloatFunctions.atanh(1));
    assertTrue(Double.isNaN(FloatFunctions.atanh(1.5)));
  }
}
