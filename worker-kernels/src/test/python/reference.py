"""Expected values for ReferenceTest, computed independently of the Java kernels with numpy.

Writes worker-kernels/src/test/resources/reference/<case>.txt: a small fixed network, its parameters, a few
rows, and the outputs, the loss summed over rows and its gradient for each case. Run from the repository root:

    /usr/bin/python3 worker-kernels/src/test/python/reference.py

Unlike the kernels it works on rows × features matrices (Z = X Wᵀ + b), takes activation derivatives from the
pre-activations, and checks its own backpropagation against central differences before writing anything.
Inputs and parameters are rounded to float32 first, so the Java float path sees exactly the same numbers.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "resources", "reference"))
COMMAND = "/usr/bin/python3 worker-kernels/src/test/python/reference.py"
LEAKY_SLOPE = 0.01


def act(name, z):
    if name == "identity":
        return z
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, z, LEAKY_SLOPE * z)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise ValueError(name)


def act_derivative(name, z):
    """Element-wise f'(z) for every activation but softmax."""
    if name == "identity":
        return np.ones_like(z)
    if name == "relu":
        return (z > 0).astype(float)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, LEAKY_SLOPE)
    if name == "sigmoid":
        s = act("sigmoid", z)
        return s * (1 - s)
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    raise ValueError(name)


def unpack(sizes, theta):
    """[(W (out, in), b (out,))] from the flat layout: per layer W column-major, then b."""
    layers, pos = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        w = theta[pos:pos + n_in * n_out].reshape((n_out, n_in), order="F")
        pos += n_in * n_out
        b = theta[pos:pos + n_out]
        pos += n_out
        layers.append((w, b))
    assert pos == len(theta)
    return layers


def forward(sizes, acts, theta, x):
    """Pre-activations and activations of every layer for x (rows × inputs)."""
    a, zs, outs = x, [], [x]
    for (w, b), name in zip(unpack(sizes, theta), acts):
        z = a @ w.T + b
        a = act(name, z)
        zs.append(z)
        outs.append(a)
    return zs, outs


def loss_sum(loss, z, a, y):
    """Σ over rows of the per-row loss; cross-entropies from the logits z."""
    k = z.shape[1]
    if loss == "mse":
        return float(((a - y) ** 2).sum() / k)
    if loss == "cross_entropy":
        m = z.max(axis=1, keepdims=True)
        lse = (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))[:, 0]
        return float((lse - z[np.arange(len(y)), y[:, 0].astype(int)]).sum())
    if loss == "binary_cross_entropy":
        return float((np.logaddexp(0.0, z) - y * z).sum() / k)
    raise ValueError(loss)


def gradient(sizes, acts, loss, theta, x, y):
    zs, outs = forward(sizes, acts, theta, x)
    z, a = zs[-1], outs[-1]
    k = z.shape[1]
    if loss == "mse":
        d_out = 2 * (a - y) / k
        if acts[-1] == "softmax":
            # Jacobian of softmax per row: diag(a) − a aᵀ
            dz = np.stack([(np.diag(ar) - np.outer(ar, ar)) @ dr for ar, dr in zip(a, d_out)])
        else:
            dz = d_out * act_derivative(acts[-1], z)
    elif loss == "cross_entropy":
        onehot = np.zeros_like(a)
        onehot[np.arange(len(y)), y[:, 0].astype(int)] = 1
        dz = a - onehot
    else:
        dz = (a - y) / k
    grads = []
    layers = unpack(sizes, theta)
    for l in range(len(layers) - 1, -1, -1):
        w, _ = layers[l]
        grads.append((dz.T @ outs[l], dz.sum(axis=0)))
        if l > 0:
            dz = (dz @ w) * act_derivative(acts[l - 1], zs[l - 1])
    flat = []
    for dw, db in reversed(grads):
        flat.append(dw.flatten(order="F"))
        flat.append(db)
    return np.concatenate(flat)


def check_against_central_differences(sizes, acts, loss, theta, x, y, analytic):
    h = 1e-6
    for i in range(len(theta)):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += h
        minus[i] -= h
        zp, ap = forward(sizes, acts, plus, x)
        zm, am = forward(sizes, acts, minus, x)
        numeric = (loss_sum(loss, zp[-1], ap[-1], y) - loss_sum(loss, zm[-1], am[-1], y)) / (2 * h)
        error = abs(numeric - analytic[i]) / max(abs(numeric) + abs(analytic[i]), 1e-2)
        assert error < 1e-7, (sizes, acts, loss, i, numeric, analytic[i])


def f32(values):
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def make_case(seed, sizes, acts, loss, rows):
    rng = np.random.default_rng(seed)
    theta = f32(rng.normal(0.0, 0.8, sum(i * o + o for i, o in zip(sizes[:-1], sizes[1:]))))
    x = f32(rng.normal(0.0, 1.0, (rows, sizes[0])))
    k = sizes[-1]
    if loss == "mse":
        y = f32(rng.normal(0.0, 1.0, (rows, k)))
    elif loss == "cross_entropy":
        y = rng.integers(0, k, (rows, 1)).astype(float)
    else:
        y = rng.integers(0, 2, (rows, k)).astype(float)
    zs, _ = forward(sizes, acts, theta, x)
    margin = min(np.abs(z).min() for z, name in zip(zs, acts) if name in ("relu", "leaky_relu")) if any(
        name in ("relu", "leaky_relu") for name in acts) else 1.0
    assert margin > 1e-3, "a ReLU pre-activation sits at its kink; pick another seed"
    return theta, x, y


def write_case(name, seed, sizes, acts, loss, rows):
    theta, x, y = make_case(seed, sizes, acts, loss, rows)
    zs, outs = forward(sizes, acts, theta, x)
    total = loss_sum(loss, zs[-1], outs[-1], y)
    grad = gradient(sizes, acts, loss, theta, x, y)
    check_against_central_differences(sizes, acts, loss, theta, x, y, grad)

    def line(key, values):
        return key + " " + " ".join("%.17g" % v for v in np.ravel(values)) + "\n"

    path = os.path.join(OUT_DIR, name + ".txt")
    with open(path, "w") as f:
        f.write("# Expected values for ReferenceTest, computed with numpy; do not edit by hand.\n")
        f.write("# Generated from the repository root by: " + COMMAND + "\n")
        f.write("# Blocks are column-major, one column per row: x is inputs × rows, y targetWidth × rows,\n")
        f.write("# outputs outputs × rows; params and gradient follow Topology's flat layout; loss is the sum over rows.\n")
        f.write("sizes " + " ".join(str(s) for s in sizes) + "\n")
        f.write("activations " + " ".join(acts) + "\n")
        f.write("loss " + loss + "\n")
        f.write("rows %d\n" % rows)
        f.write(line("params", theta))
        f.write(line("x", x))
        f.write(line("y", y))
        f.write(line("outputs", outs[-1]))
        f.write(line("loss_sum", [total]))
        f.write(line("gradient", grad))
    print("wrote", path)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    write_case("mse_tanh_identity", 11, [3, 4, 3, 2], ["tanh", "tanh", "identity"], "mse", 5)
    write_case("ce_relu_softmax", 18, [3, 4, 3, 3], ["relu", "relu", "softmax"], "cross_entropy", 5)
    write_case("bce_sigmoid_sigmoid", 13, [3, 4, 3, 2], ["sigmoid", "sigmoid", "sigmoid"], "binary_cross_entropy", 5)


if __name__ == "__main__":
    main()
