package dev.ledge.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.graph.Dim;
import dev.ledge.graph.FunctionDef;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.onnx.proto.OnnxProtos.AttributeProto;
import dev.ledge.onnx.proto.OnnxProtos.FunctionProto;
import dev.ledge.onnx.proto.OnnxProtos.GraphProto;
import dev.ledge.onnx.proto.OnnxProtos.ModelProto;
import dev.ledge.onnx.proto.OnnxProtos.NodeProto;
import dev.ledge.onnx.proto.OnnxProtos.OperatorSetIdProto;
import dev.ledge.onnx.proto.OnnxProtos.SparseTensorProto;
import dev.ledge.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.ledge.onnx.proto.OnnxProtos.TensorProto;
import dev.ledge.onnx.proto.OnnxProtos.TensorShapeProto;
import dev.ledge.onnx.proto.OnnxProtos.TypeProto;
import dev.ledge.onnx.proto.OnnxProtos.ValueInfoProto;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads ONNX model files into Ledge's IR ({@link ModelDef}). */
public final class OnnxReader {
  /** Protobuf nesting limit: deep enough for real models, bounded against hostile files. */
  private static final int RECURSION_LIMIT = 200;

  private final Path baseDir;

  private OnnxReader(Path baseDir) {
    this.baseDir = baseDir;
  }

  /**
   * Reads a model file; external data is resolved in its directory.
   *
   * <p>The file is read whole and parsed in place: tensor bytes go from the file's buffer straight
   * into the tensors, so a model costs its size twice while loading (the file's bytes are garbage
   * once this returns), not three times as with a streamed parse.
   */
  public static ModelDef read(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > Integer.MAX_VALUE - 16) {
        throw new ModelFormatException(
            "model file "
                + file
                + " is "
                + size
                + " bytes; an ONNX protobuf holds at most 2 GB (larger models keep their"
                + " weights in external data files)");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ModelFormatException("model file " + file + " does not exist");
    } catch (IOException e) {
      throw new ModelFormatException("cannot read model file " + file + ": " + e.getMessage(), e);
    }
    return new OnnxReader(dir).convert(parse(bytes, file));
  }

  /** Reads a model from bytes (no external data). */
  public static ModelDef read(byte[] bytes) {
    return new OnnxReader(null).convert(parse(bytes, "bytes"));
  }

  /**
   * Parses the protobuf message of a model. Bytes fields alias the input rather than copying it, so
   * the result is only valid while the input is: {@link #convert} copies what it keeps.
   */
  private static ModelProto parse(byte[] bytes, Object what) {
    // An immutable view (protobuf only aliases buffers it is told nobody changes): we do not
    // change them while parsing, and what we keep is copied out.
    CodedInputStream cis = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
    cis.enableAliasing(true);
    cis.setRecursionLimit(RECURSION_LIMIT);
    cis.setSizeLimit(Integer.MAX_VALUE);
    try {
      return ModelProto.parseFrom(cis);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelFormatException(
          what + " is not a valid ONNX model (protobuf decoding failed: " + e.getMessage() + ")",
          e);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read " + what + ": " + e.getMessage(), e);
    }
  }

  private ModelDef convert(ModelProto p) {
    if (!p.hasGraph()) {
      throw new ModelFormatException(
          "not an ONNX model: no graph (is this file truncated, or not ONNX?)");
    }
    if (p.getOpsetImportCount() == 0) {
      throw new ModelFormatException("ONNX model imports no operator set (opset_import is empty)");
    }
    Map<String, FunctionProto> functions = new LinkedHashMap<>();
    for (FunctionProto f : p.getFunctionsList()) {
      functions.put(Node.normalizeDomain(f.getDomain()) + "::" + f.getName(), f);
    }
    Map<String, Long> opsets = new LinkedHashMap<>();
    for (OperatorSetIdProto o : p.getOpsetImportList()) {
      opsets.put(Node.normalizeDomain(o.getDomain()), o.getVersion());
    }
    GraphProto g =
        functions.isEmpty()
            ? p.getGraph()
            : new FunctionInliner(functions, opsets).inline(p.getGraph());
    ModelDef m = new ModelDef(graph(g));
    m.setIrVersion(p.getIrVersion());
    m.opsetImports().putAll(opsets);
    m.setProducerName(p.getProducerName());
    m.setProducerVersion(p.getProducerVersion());
    m.setDomain(p.getDomain());
    m.setModelVersion(p.getModelVersion());
    m.setDocString(p.getDocString());
    for (StringStringEntryProto e : p.getMetadataPropsList()) {
      m.metadata().put(e.getKey(), e.getValue());
    }
    for (FunctionProto f : p.getFunctionsList()) {
      m.functions().add(function(f));
    }
    return m;
  }

  Graph graph(GraphProto p) {
    Graph g = new Graph(p.getName());
    g.setDocString(p.getDocString());
    for (TensorProto t : p.getInitializerList()) {
      if (t.getName().isEmpty()) {
        throw new ModelFormatException("graph '" + p.getName() + "' has an unnamed initializer");
      }
      g.initializers().put(t.getName(), TensorProtos.toTensor(t, baseDir));
    }
    for (SparseTensorProto s : p.getSparseInitializerList()) {
      g.initializers().put(s.getValues().getName(), TensorProtos.sparseToDense(s, baseDir));
    }
    for (ValueInfoProto v : p.getInputList()) {
      g.inputs().add(valueInfo(v));
    }
    for (ValueInfoProto v : p.getOutputList()) {
      g.outputs().add(valueInfo(v));
    }
    for (ValueInfoProto v : p.getValueInfoList()) {
      g.valueInfo().put(v.getName(), valueInfo(v));
    }
    for (NodeProto n : p.getNodeList()) {
      g.nodes().add(node(n));
    }
    return g;
  }

  Node node(NodeProto p) {
    Map<String, Attribute> attrs = new LinkedHashMap<>();
    for (AttributeProto a : p.getAttributeList()) {
      if (!a.getRefAttrName().isEmpty()) {
        throw new ModelFormatException(
            "node '"
                + p.getName()
                + "' attribute '"
                + a.getName()
                + "' refers to a function attribute outside a function");
      }
      if (attrs.put(a.getName(), attribute(a, p)) != null) {
        throw new ModelFormatException(
            p.getOpType()
                + " node '"
                + p.getName()
                + "' has attribute '"
                + a.getName()
                + "' twice");
      }
    }
    if (p.getOpType().isEmpty()) {
      throw new ModelFormatException("node '" + p.getName() + "' has no op_type");
    }
    Node n =
        new Node(
            p.getName(), p.getOpType(), p.getDomain(), p.getInputList(), p.getOutputList(), attrs);
    n.setDocString(p.getDocString());
    return n;
  }

  Attribute attribute(AttributeProto a, NodeProto owner) {
    String name = a.getName();
    AttributeProto.AttributeType type = a.getType();
    if (type == AttributeProto.AttributeType.UNDEFINED) {
      type = guessType(a);
    }
    try {
      return switch (type) {
        case FLOAT -> Attribute.of(name, a.getF());
        case INT -> Attribute.of(name, a.getI());
        case STRING -> Attribute.of(name, a.getS().toString(StandardCharsets.UTF_8));
        case TENSOR -> Attribute.of(name, TensorProtos.toTensor(a.getT(), baseDir));
        case SPARSE_TENSOR ->
            Attribute.of(name, TensorProtos.sparseToDense(a.getSparseTensor(), baseDir));
        case GRAPH -> Attribute.of(name, graph(a.getG()));
        case TYPE_PROTO -> new Attribute(name, Attribute.Type.TYPE, requireType(a.getTp(), name));
        case FLOATS -> {
          float[] f = new float[a.getFloatsCount()];
          for (int i = 0; i < f.length; i++) {
            f[i] = a.getFloats(i);
          }
          yield Attribute.of(name, f);
        }
        case INTS -> {
          long[] v = new long[a.getIntsCount()];
          for (int i = 0; i < v.length; i++) {
            v[i] = a.getInts(i);
          }
          yield Attribute.of(name, v);
        }
        case STRINGS -> {
          List<String> s = new ArrayList<>();
          for (var b : a.getStringsList()) {
            s.add(b.toString(StandardCharsets.UTF_8));
          }
          yield Attribute.ofStrings(name, s);
        }
        case TENSORS -> {
          List<Tensor> ts = new ArrayList<>();
          for (TensorProto t : a.getTensorsList()) {
            ts.add(TensorProtos.toTensor(t, baseDir));
          }
          yield new Attribute(name, Attribute.Type.TENSORS, List.copyOf(ts));
        }
        case SPARSE_TENSORS -> {
          List<Tensor> ts = new ArrayList<>();
          for (SparseTensorProto t : a.getSparseTensorsList()) {
            ts.add(TensorProtos.sparseToDense(t, baseDir));
          }
          yield new Attribute(name, Attribute.Type.TENSORS, List.copyOf(ts));
        }
        case GRAPHS -> {
          List<Graph> gs = new ArrayList<>();
          for (GraphProto g : a.getGraphsList()) {
            gs.add(graph(g));
          }
          yield new Attribute(name, Attribute.Type.GRAPHS, List.copyOf(gs));
        }
        case TYPE_PROTOS -> {
          List<ValueType> ts = new ArrayList<>();
          for (TypeProto t : a.getTypeProtosList()) {
            ts.add(requireType(t, name));
          }
          yield new Attribute(name, Attribute.Type.TYPES, List.copyOf(ts));
        }
        case UNDEFINED ->
            throw new ModelFormatException(
                owner.getOpType()
                    + " node '"
                    + owner.getName()
                    + "' attribute '"
                    + name
                    + "' has no value");
      };
    } catch (ModelFormatException e) {
      throw e;
    } catch (LedgeException e) {
      throw new ModelFormatException(
          owner.getOpType()
              + " node '"
              + owner.getName()
              + "' attribute '"
              + name
              + "': "
              + e.getMessage());
    }
  }

  private static ValueType requireType(TypeProto t, String attribute) {
    ValueType v = valueType(t);
    if (v == null) {
      throw new ModelFormatException("type attribute '" + attribute + "' holds no type");
    }
    return v;
  }

  private static AttributeProto.AttributeType guessType(AttributeProto a) {
    if (a.hasF()) {
      return AttributeProto.AttributeType.FLOAT;
    } else if (a.hasI()) {
      return AttributeProto.AttributeType.INT;
    } else if (a.hasS()) {
      return AttributeProto.AttributeType.STRING;
    } else if (a.hasT()) {
      return AttributeProto.AttributeType.TENSOR;
    } else if (a.hasG()) {
      return AttributeProto.AttributeType.GRAPH;
    } else if (a.getFloatsCount() > 0) {
      return AttributeProto.AttributeType.FLOATS;
    } else if (a.getIntsCount() > 0) {
      return AttributeProto.AttributeType.INTS;
    } else if (a.getStringsCount() > 0) {
      return AttributeProto.AttributeType.STRINGS;
    } else if (a.getTensorsCount() > 0) {
      return AttributeProto.AttributeType.TENSORS;
    } else if (a.getGraphsCount() > 0) {
      return AttributeProto.AttributeType.GRAPHS;
    }
    return AttributeProto.AttributeType.UNDEFINED;
  }

  static ValueInfo valueInfo(ValueInfoProto v) {
    return new ValueInfo(
        v.getName(), v.hasType() ? valueType(v.getType()) : null, v.getDocString());
  }

  /** Converts a TypeProto; unknown or missing parts become null. */
  public static ValueType valueType(TypeProto t) {
    return switch (t.getValueCase()) {
      case TENSOR_TYPE -> {
        TypeProto.Tensor tt = t.getTensorType();
        DType dt = tt.getElemType() == 0 ? null : dtype(tt.getElemType());
        yield new ValueType.TensorType(dt, tt.hasShape() ? shape(tt.getShape()) : null);
      }
      case SEQUENCE_TYPE ->
          new ValueType.SequenceType(
              t.getSequenceType().hasElemType()
                  ? valueType(t.getSequenceType().getElemType())
                  : null);
      case OPTIONAL_TYPE ->
          new ValueType.OptionalType(
              t.getOptionalType().hasElemType()
                  ? valueType(t.getOptionalType().getElemType())
                  : null);
      case MAP_TYPE ->
          new ValueType.MapType(
              dtype(t.getMapType().getKeyType()),
              t.getMapType().hasValueType() ? valueType(t.getMapType().getValueType()) : null);
      case SPARSE_TENSOR_TYPE -> {
        TypeProto.SparseTensor st = t.getSparseTensorType();
        yield new ValueType.SparseTensorType(
            st.getElemType() == 0 ? null : dtype(st.getElemType()),
            st.hasShape() ? shape(st.getShape()) : null);
      }
      case VALUE_NOT_SET -> null;
    };
  }

  private static DType dtype(int code) {
    try {
      return DType.fromOnnx(code);
    } catch (LedgeException e) {
      throw new ModelFormatException(e.getMessage());
    }
  }

  private static Shape shape(TensorShapeProto s) {
    List<Dim> dims = new ArrayList<>(s.getDimCount());
    for (TensorShapeProto.Dimension d : s.getDimList()) {
      if (d.hasDimValue()) {
        if (d.getDimValue() < 0) {
          throw new ModelFormatException("negative dimension " + d.getDimValue() + " in a shape");
        }
        dims.add(Dim.of(d.getDimValue()));
      } else if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
        dims.add(Dim.symbolic(d.getDimParam()));
      } else {
        dims.add(Dim.unknown());
      }
    }
    return new Shape(dims);
  }

  private FunctionDef function(FunctionProto f) {
    Map<String, Attribute> defaults = new LinkedHashMap<>();
    for (AttributeProto a : f.getAttributeProtoList()) {
      defaults.put(a.getName(), attribute(a, NodeProto.getDefaultInstance()));
    }
    List<String> attrs = new ArrayList<>(f.getAttributeList());
    attrs.addAll(defaults.keySet());
    Map<String, Long> opsets = new LinkedHashMap<>();
    for (OperatorSetIdProto o : f.getOpsetImportList()) {
      opsets.put(Node.normalizeDomain(o.getDomain()), o.getVersion());
    }
    List<Node> body = new ArrayList<>();
    for (NodeProto n : f.getNodeList()) {
      // Keep attribute references out of the IR body: inlining has already resolved them.
      NodeProto.Builder b = n.toBuilder().clearAttribute();
      for (AttributeProto a : n.getAttributeList()) {
        if (a.getRefAttrName().isEmpty()) {
          b.addAttribute(a);
        }
      }
      body.add(node(b.build()));
    }
    return new FunctionDef(
        f.getDomain(),
        f.getName(),
        f.getInputList(),
        f.getOutputList(),
        attrs,
        defaults,
        body,
        opsets);
  }
}
