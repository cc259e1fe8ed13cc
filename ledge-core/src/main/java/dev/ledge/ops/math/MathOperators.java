package dev.ledge.ops.math;

import static dev.ledge.ops.math.ElementTypes.BOOL;
import static dev.ledge.ops.math.ElementTypes.FLOATS;
import static dev.ledge.ops.math.ElementTypes.INTS;
import static dev.ledge.ops.math.ElementTypes.NUMERIC;
import static dev.ledge.ops.math.ElementTypes.SIGNED_INTS;
import static dev.ledge.ops.math.ElementTypes.UNSIGNED_INTS;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;
import dev.ledge.tensor.DType;
import java.util.EnumSet;

/**
 * Elementwise math of the ai.onnx domain: unary functions and activations, binary arithmetic,
 * bitwise and logical operators, comparisons, the variadic Max/Min/Sum/Mean, Pow, Clip, Where,
 * IsNaN/IsInf and the cumulative CumSum/CumProd, for every opset version.
 */
public final class MathOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    registerUnary(r);
    registerActivations(r);
    registerBinary(r);
    registerComparisons(r);
    r.register("Max", new VariadicOp(NUMERIC, BinaryFunctions.MAX, false));
    r.register("Min", new VariadicOp(NUMERIC, BinaryFunctions.MIN, false));
    r.register("Sum", new VariadicOp(FLOATS, BinaryFunctions.ADD, false));
    r.register("Mean", new VariadicOp(FLOATS, BinaryFunctions.ADD, true));
    r.register("Pow", new PowOp());
    r.register("Clip", new ClipOp());
    r.register("Where", new WhereOp());
    r.register("IsNaN", FloatClassOp.isNaN());
    r.register("IsInf", FloatClassOp.isInf());
    r.register("CumSum", CumulativeOp.sum());
    r.register("CumProd", CumulativeOp.product());
  }

  private static void registerUnary(OperatorRegistry r) {
    var signed = ElementTypes.union(FLOATS, SIGNED_INTS);
    r.register("Abs", UnaryOp.of(NUMERIC, UnaryFunctions.ABS));
    r.register("Neg", UnaryOp.of(signed, UnaryFunctions.NEG));
    r.register("Sign", UnaryOp.of(NUMERIC, UnaryFunctions.SIGN));
    r.register("Relu", UnaryOp.of(signed, UnaryFunctions.RELU));
    r.register("Not", UnaryOp.of(BOOL, UnaryFunctions.NOT));
    r.register("BitwiseNot", UnaryOp.of(INTS, UnaryFunctions.BITWISE_NOT));
    r.register("Shrink", new UnaryOp(NUMERIC, UnaryFunctions::shrink));
    r.register("Erf", UnaryOp.of(NUMERIC, UnaryFunctions.ERF));

    r.register("Ceil", UnaryOp.real(Math::ceil));
    r.register("Floor", UnaryOp.real(Math::floor));
    r.register("Round", UnaryOp.real(Math::rint)); // half to even
    r.register("Sqrt", UnaryOp.of(FLOATS, Float32Kernels.unaryFn("Sqrt")));
    r.register("Reciprocal", UnaryOp.of(FLOATS, Float32Kernels.unaryFn("Reciprocal")));
    r.register("Exp", UnaryOp.of(FLOATS, Float32Kernels.unaryFn("Exp")));
    r.register("Log", UnaryOp.of(FLOATS, Float32Kernels.unaryFn("Log")));
    r.register("Sin", UnaryOp.real(Math::sin));
    r.register("Cos", UnaryOp.real(Math::cos));
    r.register("Tan", UnaryOp.real(Math::tan));
    r.register("Asin", UnaryOp.real(Math::asin));
    r.register("Acos", UnaryOp.real(Math::acos));
    r.register("Atan", UnaryOp.real(Math::atan));
    r.register("Sinh", UnaryOp.real(Math::sinh));
    r.register("Cosh", UnaryOp.real(Math::cosh));
    r.register("Tanh", UnaryOp.of(FLOATS, Float32Kernels.unaryFn("Tanh")));
    r.register("Asinh", UnaryOp.real(FloatFunctions::asinh));
    r.register("Acosh", UnaryOp.real(FloatFunctions::acosh));
    r.register("Atanh", UnaryOp.real(FloatFunctions::atanh));
  }

  private static void registerActivations(OperatorRegistry r) {
    r.register("Sigmoid", UnaryOp.of(FLOATS, Float32Kernels.unaryFn("Sigmoid")));
    r.register("Softplus", UnaryOp.of(FLOATS, Float32Kernels.unaryFn("Softplus")));
    r.register("Softsign", UnaryOp.of(FLOATS, Float32Kernels.unaryFn("Softsign")));
    r.register("HardSwish", UnaryOp.of(FLOATS, Float32Kernels.unaryFn("HardSwish")));
    r.register("Mish", UnaryOp.real(Activations::mish));
    r.register("Elu", UnaryOp.realWith(Activations::elu));
    r.register("Celu", UnaryOp.realWith(Activations::celu));
    r.register("Selu", UnaryOp.realWith(Activations::selu));
    r.register("LeakyRelu", UnaryOp.realWith(Activations::leakyRelu));
    r.register("ThresholdedRelu", UnaryOp.realWith(Activations::thresholdedRelu));
    r.register("HardSigmoid", UnaryOp.realWith(Activations::hardSigmoid));
    r.register("Swish", UnaryOp.realWith(Activations::swish));
    r.register("Gelu", UnaryOp.realWith(Activations::gelu));
    r.register("PRelu", BinaryOp.unidirectional(NUMERIC, BinaryFunctions.PRELU));
  }

  private static void registerBinary(OperatorRegistry r) {
    r.register("Add", BinaryOp.of(NUMERIC, BinaryFunctions.ADD));
    r.register("Sub", BinaryOp.of(NUMERIC, BinaryFunctions.SUB));
    r.register("Mul", BinaryOp.of(NUMERIC, BinaryFunctions.MUL));
    r.register("Div", BinaryOp.of(NUMERIC, BinaryFunctions.DIV));
    r.register("Mod", BinaryOp.of(NUMERIC, BinaryFunctions::mod));
    r.register("BitShift", BinaryOp.of(UNSIGNED_INTS, BinaryFunctions::bitShift));
    r.register("BitwiseAnd", BinaryOp.of(INTS, BinaryFunctions.BITWISE_AND));
    r.register("BitwiseOr", BinaryOp.of(INTS, BinaryFunctions.BITWISE_OR));
    r.register("BitwiseXor", BinaryOp.of(INTS, BinaryFunctions.BITWISE_XOR));
    r.register("And", BinaryOp.of(BOOL, BinaryFunctions.AND));
    r.register("Or", BinaryOp.of(BOOL, BinaryFunctions.OR));
    r.register("Xor", BinaryOp.of(BOOL, BinaryFunctions.XOR));
  }

  private static void registerComparisons(OperatorRegistry r) {
    var equatable = ElementTypes.union(NUMERIC, BOOL, EnumSet.of(DType.STRING));
    r.register("Equal", new ComparisonOp(equatable, ComparisonOp.EQUAL));
    r.register("Greater", new ComparisonOp(NUMERIC, ComparisonOp.GREATER));
    r.register("GreaterOrEqual", new ComparisonOp(NUMERIC, ComparisonOp.GREATER_OR_EQUAL));
    r.register("Less", new ComparisonOp(NUMERIC, ComparisonOp.LESS));
    r.register("LessOrEqual", new ComparisonOp(NUMERIC, ComparisonOp.LESS_OR_EQUAL));
  }
}
