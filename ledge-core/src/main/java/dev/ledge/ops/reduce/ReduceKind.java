package dev.ledge.ops.reduce;

/**
 * The ten ONNX Reduce* operators, each described as a map applied to every element, a fold that
 * combines the mapped elements, and a finishing step on the folded value. Folding an empty set
 * gives the fold's identity, so the spec's empty-set results (0 for sums, 1 for products, -inf or
 * the type's minimum for max, log(0) = -inf for the log reductions) follow without special cases.
 */
enum ReduceKind {
  L1("ReduceL1", 18, ElementMap.ABS, Fold.ADD, Finish.NONE),
  L2("ReduceL2", 18, ElementMap.SQUARE, Fold.ADD, Finish.SQRT),
  LOG_SUM("ReduceLogSum", 18, ElementMap.IDENTITY, Fold.ADD, Finish.LOG),
  /** log(sum(exp(x - m))) + m with m the (finite) maximum, so exp cannot overflow. */
  LOG_SUM_EXP("ReduceLogSumExp", 18, ElementMap.EXP_SHIFTED, Fold.ADD, Finish.LOG_SHIFTED),
  MAX("ReduceMax", 18, ElementMap.IDENTITY, Fold.MAX, Finish.NONE),
  MEAN("ReduceMean", 18, ElementMap.IDENTITY, Fold.ADD, Finish.MEAN),
  MIN("ReduceMin", 18, ElementMap.IDENTITY, Fold.MIN, Finish.NONE),
  PROD("ReduceProd", 18, ElementMap.IDENTITY, Fold.MUL, Finish.NONE),
  SUM("ReduceSum", 13, ElementMap.IDENTITY, Fold.ADD, Finish.NONE),
  SUM_SQUARE("ReduceSumSquare", 18, ElementMap.SQUARE, Fold.ADD, Finish.NONE);

  /** Applied to each input element before folding. */
  enum ElementMap {
    IDENTITY,
    ABS,
    SQUARE,
    /** exp(x - shift), the shift being the maximum of the element's reduction set. */
    EXP_SHIFTED
  }

  /** How mapped elements combine. */
  enum Fold {
    ADD,
    MUL,
    MAX,
    MIN
  }

  /** Applied to each folded value. */
  enum Finish {
    NONE,
    SQRT,
    LOG,
    /** Divide by the number of folded elements. */
    MEAN,
    /** log(value) + shift. */
    LOG_SHIFTED
  }

  private final String opType;
  private final int axesInputSince;
  private final ElementMap map;
  private final Fold fold;
  private final Finish finish;

  ReduceKind(String opType, int axesInputSince, ElementMap map, Fold fold, Finish finish) {
    this.opType = opType;
    this.axesInputSince = axesInputSince;
    this.map = map;
    this.fold = fold;
    this.finish = finish;
  }

  /** The ONNX op type, e.g. "ReduceSum". */
  String opType() {
    return opType;
  }

  /** The opset version from which {@code axes} is an input rather than an attribute. */
  int axesInputSince() {
    return axesInputSince;
  }

  ElementMap map() {
    return map;
  }

  Fold fold() {
    return fold;
  }

  Finish finish() {
    return finish;
  }
}
