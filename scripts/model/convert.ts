/**
 * Converts nsfwjs's MobileNetV2 (a TF.js Keras layers model with uint8-quantized weights)
 * to an ONNX model (opset 13), in plain JS. The graph runs in NCHW after one leading
 * Transpose, so the input keeps nsfwjs's layout: `input` float32 [1, 224, 224, 3] (RGB/255),
 * output `probabilities` float32 [1, 5] in nsfwjs's class order.
 *
 * Weights stay uint8 with their per-tensor `min`/`scale`; the graph dequantizes them with
 * Cast → Mul → Add exactly as TF.js does (`q * scale + min`), which onnxruntime folds into
 * constants when the session is created. That keeps the file ~3 MB instead of ~10 MB.
 */
import onnxProto, { type onnx as O } from 'onnx-proto';

// onnx-proto is CommonJS: its namespace is a property of the default export under Node ESM.
const { onnx } = onnxProto;

/** One weight of a TF.js weights manifest. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { min: number; scale: number; dtype: string };
}

/** One Keras layer of a TF.js layers model topology. */
export interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, unknown][][];
}

/** What nsfwjs's `model.min.js` exports. */
export interface TfjsLayersModel {
  modelTopology: {
    model_config: {
      config: { layers: KerasLayer[]; input_layers: [string, number, number][]; output_layers: [string, number, number][] };
    };
  };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

/** Options of one conversion. */
export interface ConvertOptions {
  /** Written into the model's metadata (`model_version` string property and doc string). */
  modelVersion: string;
  producerVersion?: string;
}

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

type Attr = O.IAttributeProto;
const ints = (name: string, values: number[]): Attr => ({ name, type: A.INTS, ints: values });
const int = (name: string, value: number): Attr => ({ name, type: A.INT, i: value });
const float = (name: string, value: number): Attr => ({ name, type: A.FLOAT, f: value });
const str = (name: string, value: string): Attr => ({ name, type: A.STRING, s: new TextEncoder().encode(value) });

/** Reorders a row-major tensor's elements by `perm` (works on any typed array). */
function transpose<A extends Uint8Array>(data: A, shape: number[], perm: number[]): { data: A; shape: number[] } {
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = strides(shape);
  const out = new (data.constructor as new (n: number) => A)(data.length);
  const outStrides = strides(outShape);
  const index = new Array<number>(outShape.length).fill(0);
  for (let flat = 0; flat < data.length; flat++) {
    let rest = flat;
    let src = 0;
    for (let d = 0; d < outShape.length; d++) {
      index[d] = Math.floor(rest / outStrides[d]!);
      rest -= index[d]! * outStrides[d]!;
      src += index[d]! * inStrides[perm[d]!]!;
    }
    out[flat] = data[src]!;
  }
  return { data: out, shape: outShape };
}

function strides(shape: number[]): number[] {
  const out = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = acc;
    acc *= shape[d]!;
  }
  return out;
}

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Converts the model. `weightData` is the concatenated weight shards, in manifest order.
 * Throws on any layer or option the converter does not know, rather than guessing.
 */
export function convertNsfwMobileNetV2(model: TfjsLayersModel, weightData: Uint8Array, options: ConvertOptions): Uint8Array {
  const { layers, input_layers, output_layers } = model.modelTopology.model_config.config;
  const specs = model.weightsManifest.flatMap((group) => group.weights);

  // Slice the quantized weights out of the shard bytes.
  const weights = new Map<string, { spec: WeightSpec; data: Uint8Array }>();
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32' || spec.quantization?.dtype !== 'uint8') {
      throw new Error(`weight ${spec.name}: only uint8-quantized float32 weights are supported`);
    }
    const size = product(spec.shape);
    weights.set(spec.name, { spec, data: weightData.subarray(offset, offset + size) });
    offset += size;
  }
  if (offset !== weightData.length) throw new Error(`weight data is ${weightData.length} bytes, manifest says ${offset}`);

  const nodes: O.INodeProto[] = [];
  const initializers: O.ITensorProto[] = [];
  let counter = 0;
  const fresh = (base: string) => `${base}__${counter++}`;
  const node = (opType: string, inputs: string[], outputs: string[], attribute: Attr[] = [], name = fresh(opType)) =>
    nodes.push({ opType, input: inputs, output: outputs, attribute, name });

  const floatConst = (name: string, values: number[], dims: number[] = []) => {
    initializers.push({ name, dataType: T.FLOAT, dims, rawData: new Uint8Array(new Float32Array(values).buffer) });
    return name;
  };
  const int64Const = (name: string, values: number[]) => {
    initializers.push({ name, dataType: T.INT64, dims: [values.length], rawData: new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer) });
    return name;
  };

  /** A float weight in the graph: stored uint8, dequantized by Cast → Mul → Add. */
  const weight = (key: string, layout?: (data: Uint8Array, shape: number[]) => { data: Uint8Array; shape: number[] }): string => {
    const entry = weights.get(key);
    if (!entry) throw new Error(`missing weight ${key}`);
    weights.delete(key);
    const { min, scale } = entry.spec.quantization!;
    const laid = layout ? layout(entry.data, entry.spec.shape) : { data: entry.data, shape: entry.spec.shape };
    const q = `${key}/q`;
    initializers.push({ name: q, dataType: T.UINT8, dims: laid.shape, rawData: new Uint8Array(laid.data) });
    node('Cast', [q], [`${key}/f`], [int('to', T.FLOAT)], `${key}/cast`);
    node('Mul', [`${key}/f`, floatConst(`${key}/scale`, [scale])], [`${key}/scaled`], [], `${key}/mul`);
    node('Add', [`${key}/scaled`, floatConst(`${key}/min`, [min])], [key], [], `${key}/add`);
    return key;
  };

  const convPadding = (config: Record<string, unknown>): Attr[] => {
    if (config.padding === 'same') return [str('auto_pad', 'SAME_UPPER')]; // TF puts the odd pixel at the end
    if (config.padding === 'valid') return [];
    throw new Error(`unsupported padding ${String(config.padding)}`);
  };
  const checkCommon = (layer: KerasLayer) => {
    const c = layer.config;
    if (c.data_format !== undefined && c.data_format !== 'channels_last') throw new Error(`${layer.name}: data_format ${String(c.data_format)}`);
    const dilation = c.dilation_rate as number[] | undefined;
    if (dilation && dilation.some((d) => d !== 1)) throw new Error(`${layer.name}: dilation`);
  };
  const activation = (layer: KerasLayer, input: string): string => {
    const kind = (layer.config.activation as string | undefined) ?? 'linear';
    if (kind === 'linear') return input;
    const out = `${layer.name}/${kind}`;
    if (kind === 'relu') node('Relu', [input], [out]);
    else if (kind === 'softmax') node('Softmax', [input], [out], [int('axis', -1)]);
    else throw new Error(`${layer.name}: activation ${kind}`);
    return out;
  };

  // Tensor names by Keras layer name; the input is transposed to NCHW once.
  const outputs = new Map<string, string>();
  let nchw = true;
  for (const layer of layers) {
    const c = layer.config;
    const inputNames = (layer.inbound_nodes[0] ?? []).map(([name]) => {
      const tensor = outputs.get(name);
      if (!tensor) throw new Error(`${layer.name}: input ${name} not produced yet`);
      return tensor;
    });
    const [x] = inputNames;
    const out = layer.name;
    switch (layer.class_name) {
      case 'InputLayer': {
        node('Transpose', ['input'], [out], [ints('perm', [0, 3, 1, 2])]);
        break;
      }
      case 'ZeroPadding2D': {
        const [[top, bottom], [left, right]] = c.padding as [[number, number], [number, number]];
        node('Pad', [x!, int64Const(`${out}/pads`, [0, 0, top, left, 0, 0, bottom, right])], [out], [str('mode', 'constant')]);
        break;
      }
      case 'Conv2D': {
        checkCommon(layer);
        const w = weight(`${layer.name}/kernel`, (d, s) => transpose(d, s, [3, 2, 0, 1])); // HWIO → OIHW
        const inputs = [x!, w];
        if (c.use_bias) inputs.push(weight(`${layer.name}/bias`));
        const conv = `${out}/conv`;
        node('Conv', inputs, [conv], [ints('kernel_shape', c.kernel_size as number[]), ints('strides', c.strides as number[]), ...convPadding(c)]);
        node('Identity', [activation(layer, conv)], [out]);
        break;
      }
      case 'DepthwiseConv2D': {
        checkCommon(layer);
        if (c.depth_multiplier !== 1) throw new Error(`${layer.name}: depth_multiplier ${String(c.depth_multiplier)}`);
        const spec = weights.get(`${layer.name}/depthwise_kernel`)!.spec;
        const channels = spec.shape[2]!;
        const w = weight(`${layer.name}/depthwise_kernel`, (d, s) => transpose(d, s, [2, 3, 0, 1])); // [kh, kw, C, 1] → [C, 1, kh, kw]
        const inputs = [x!, w];
        if (c.use_bias) inputs.push(weight(`${layer.name}/bias`));
        const conv = `${out}/conv`;
        node('Conv', inputs, [conv], [
          int('group', channels),
          ints('kernel_shape', c.kernel_size as number[]),
          ints('strides', c.strides as number[]),
          ...convPadding(c),
        ]);
        node('Identity', [activation(layer, conv)], [out]);
        break;
      }
      case 'BatchNormalization': {
        if (c.axis !== -1 && c.axis !== 3) throw new Error(`${layer.name}: axis ${String(c.axis)}`);
        if (c.center !== true || c.scale !== true) throw new Error(`${layer.name}: center/scale must be on`);
        node(
          'BatchNormalization',
          [x!, weight(`${layer.name}/gamma`), weight(`${layer.name}/beta`), weight(`${layer.name}/moving_mean`), weight(`${layer.name}/moving_variance`)],
          [out],
          [float('epsilon', c.epsilon as number)],
        );
        break;
      }
      case 'ReLU': {
        if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) throw new Error(`${layer.name}: leaky/thresholded ReLU`);
        if (c.max_value == null) node('Relu', [x!], [out]);
        else node('Clip', [x!, floatConst(`${out}/lo`, [0]), floatConst(`${out}/hi`, [c.max_value as number])], [out]);
        break;
      }
      case 'Add': {
        node('Add', inputNames, [out]);
        break;
      }
      case 'AveragePooling2D': {
        checkCommon(layer);
        if (c.padding !== 'valid') throw new Error(`${layer.name}: padding ${String(c.padding)}`);
        node('AveragePool', [x!], [out], [ints('kernel_shape', c.pool_size as number[]), ints('strides', c.strides as number[])]);
        break;
      }
      case 'Flatten': {
        // Keras flattens channels-last: go back to NHWC first so element order matches.
        if (!nchw) throw new Error(`${layer.name}: second Flatten`);
        node('Transpose', [x!], [`${out}/nhwc`], [ints('perm', [0, 2, 3, 1])]);
        node('Flatten', [`${out}/nhwc`], [out], [int('axis', 1)]);
        nchw = false;
        break;
      }
      case 'Dense': {
        const gemm = `${out}/gemm`;
        const inputs = [x!, weight(`${layer.name}/kernel`)];
        if (c.use_bias) inputs.push(weight(`${layer.name}/bias`));
        node('Gemm', inputs, [gemm]);
        node('Identity', [activation(layer, gemm)], [out]);
        break;
      }
      case 'Dropout': {
        node('Identity', [x!], [out]); // inference: no-op
        break;
      }
      default:
        throw new Error(`unsupported layer ${layer.class_name} (${layer.name})`);
    }
    outputs.set(layer.name, out);
  }
  if (weights.size) throw new Error(`unused weights: ${[...weights.keys()].join(', ')}`);
  if (input_layers.length !== 1 || output_layers.length !== 1) throw new Error('expected one input and one output');
  node('Identity', [outputs.get(output_layers[0]![0])!], ['probabilities']);

  const tensorType = (dims: number[]): O.ITypeProto => ({
    tensorType: { elemType: T.FLOAT, shape: { dim: dims.map((dimValue) => ({ dimValue })) } },
  });
  const modelProto: O.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'gatehouse scripts/model',
    producerVersion: options.producerVersion ?? '1',
    docString: `nsfwjs MobileNetV2 (MIT), converted from TF.js; ${options.modelVersion}`,
    metadataProps: [{ key: 'model_version', value: options.modelVersion }],
    graph: {
      name: 'nsfwjs_mobilenet_v2',
      node: nodes,
      initializer: initializers,
      input: [{ name: 'input', type: tensorType([1, 224, 224, 3]) }],
      output: [{ name: 'probabilities', type: tensorType([1, 5]) }],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(modelProto)).finish();
}
