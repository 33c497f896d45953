#!/usr/bin/env python3
"""The same EfficientNet-Lite0 in ONNX Runtime, as the peer for RecASketch's Swift network.

Builds an ONNX graph from the installed safetensors (BatchNorm folded with eps 1e-3, TensorFlow "same" padding as
explicit pads, ReLU6 as Clip, global average pooling), then
  1. times feature extraction on thumbnails at 224×224 (Pillow bilinear resize), one image at a time with
     2 intra-op threads, and
  2. with --compare FILE (written by `recasketch bench-visual --side 200 --features-out FILE`), feeds the same
     200×200 thumbnails unresized and reports how close the two networks' feature vectors are.

Needs onnx, onnxruntime, numpy and pillow (`.peers/bin/pip install onnx onnxruntime pillow`).
"""
import argparse
import json
import os
import time

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper
from PIL import Image

STAGES = [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
          (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1)]
MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def read_safetensors(path):
    raw = open(path, "rb").read()
    length = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + length])
    base = 8 + length
    return {name: np.frombuffer(raw[base + e["data_offsets"][0]:base + e["data_offsets"][1]], "<f4").reshape(e["shape"])
            for name, e in header.items() if name != "__metadata__"}


def same_padding(size, kernel, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return out, total // 2, total - total // 2


def build_graph(tensors, side):
    nodes, initialisers = [], []
    counter = [0]

    def fresh(prefix):
        counter[0] += 1
        return f"{prefix}{counter[0]}"

    def conv(x, size, weight_name, norm, stride, groups=1, clip=True):
        w = tensors[weight_name]
        factor = tensors[norm + ".weight"] / np.sqrt(tensors[norm + ".running_var"] + 1e-3)
        folded = (w * factor[:, None, None, None]).astype(np.float32)
        bias = (tensors[norm + ".bias"] - tensors[norm + ".running_mean"] * factor).astype(np.float32)
        wn, bn = fresh("w"), fresh("b")
        initialisers.extend([numpy_helper.from_array(folded, wn), numpy_helper.from_array(bias, bn)])
        k = w.shape[2]
        out, before, after = same_padding(size, k, stride)
        y = fresh("conv")
        nodes.append(helper.make_node("Conv", [x, wn, bn], [y], kernel_shape=[k, k], strides=[stride, stride],
                                      pads=[before, before, after, after], group=groups))
        if clip:
            z = fresh("relu6")
            lo, hi = fresh("lo"), fresh("hi")
            initialisers.extend([numpy_helper.from_array(np.array(0, np.float32), lo),
                                 numpy_helper.from_array(np.array(6, np.float32), hi)])
            nodes.append(helper.make_node("Clip", [y, lo, hi], [z]))
            y = z
        return y, out

    x, size = conv("input", side, "_conv_stem.weight", "_bn0", 2)
    index = 0
    for expansion, kernel, stride, cin, cout, repeats in STAGES:
        for r in range(repeats):
            p = f"_blocks.{index}."
            s = stride if r == 0 else 1
            i = cin if r == 0 else cout
            h = x
            if expansion != 1:
                h, _ = conv(h, size, p + "_expand_conv.weight", p + "_bn0", 1)
            channels = i * expansion
            h, new_size = conv(h, size, p + "_depthwise_conv.weight", p + "_bn1", s, groups=channels)
            h, _ = conv(h, new_size, p + "_project_conv.weight", p + "_bn2", 1, clip=False)
            if s == 1 and i == cout:
                y = fresh("add")
                nodes.append(helper.make_node("Add", [h, x], [y]))
                h = y
            x, size = h, new_size
            index += 1
    x, _ = conv(x, size, "_conv_head.weight", "_bn1", 1)
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["pooled"]))
    nodes.append(helper.make_node("Flatten", ["pooled"], ["features"]))
    graph = helper.make_graph(nodes, "efficientnet-lite0",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, side, side])],
                              [helper.make_tensor_value_info("features", TensorProto.FLOAT, [1, 1280])], initialisers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def session(tensors, side, threads):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(build_graph(tensors, side).SerializeToString(), options,
                                        providers=["CPUExecutionProvider"])


def prepare(path, side):
    image = Image.open(path).convert("RGB")
    if image.size != (side, side):
        image = image.resize((side, side), Image.BILINEAR)
    array = (np.asarray(image, np.float32) / 255 - MEAN) / STD
    return array.transpose(2, 0, 1)[None].astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", default=os.environ.get("RECASKETCH_WEIGHTS",
                                                            os.path.expanduser("~/.local/share/recasketch/weights")))
    parser.add_argument("--images", required=True)
    parser.add_argument("--count", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--compare", help="features written by `recasketch bench-visual --side 200 --features-out`")
    arguments = parser.parse_args()
    tensors = read_safetensors(os.path.join(arguments.weights, "efficientnet-lite0.safetensors"))
    names = sorted(n for n in os.listdir(arguments.images) if n.endswith((".jpg", ".png")))[:arguments.count]
    paths = [os.path.join(arguments.images, n) for n in names]

    started = time.perf_counter()
    inputs = [prepare(p, 224) for p in paths]
    print(f"onnxruntime {onnxruntime.__version__}: decoded and resized {len(inputs)} images in "
          f"{time.perf_counter() - started:.2f} s")
    network = session(tensors, 224, arguments.threads)
    network.run(None, {"input": inputs[0]})
    started = time.perf_counter()
    for array in inputs:
        network.run(None, {"input": array})
    seconds = time.perf_counter() - started
    print(f"onnxruntime, {arguments.threads} intra-op threads: {1000 * seconds / len(inputs):.1f} ms/image "
          f"({len(inputs) / seconds:.1f} images/s) at 224×224 input")

    if arguments.compare:
        network = session(tensors, 200, arguments.threads)
        worst, cosines = 0.0, []
        for line in open(arguments.compare):
            name, values = line.rstrip("\n").split("\t")
            ours = np.array([float(v) for v in values.split(",")], np.float32)
            theirs = network.run(None, {"input": prepare(os.path.join(arguments.images, name), 200)})[0][0]
            worst = max(worst, float(np.max(np.abs(ours - theirs)) / (np.max(np.abs(theirs)) + 1e-9)))
            cosines.append(float(ours @ theirs / (np.linalg.norm(ours) * np.linalg.norm(theirs) + 1e-12)))
        print(f"same network, same 200×200 pixels, {len(cosines)} images: cosine(Swift, onnxruntime) min "
              f"{min(cosines):.6f} mean {np.mean(cosines):.6f}; largest difference {worst:.2e} of the largest value")


if __name__ == "__main__":
    main()
