package io.jgrad;

/**
 * A tensor's in-place writes ({@code zero()}, gradient accumulation into a {@code grad()}) and
 * what they keep: PyTorch's version counter, shared by every tensor that shares the data (a
 * saved tensor changed in place makes backward refuse), and the copy-on-write of an array a
 * trace holds.
 *
 * <p>Copy-on-write capture: Grad.compile keeps a captured F32 tensor's array as the constant,
 * uncopied (a 4 MB copy was most of such a compile's time); the tensor then copies its array
 * before writing it. Only a tensor whose data no view shares lets the trace hold it, so the
 * copy is the tensor's alone (views would each hold the old array); a view made later copies first.
 */
final class InPlace {
    private InPlace() {}

    /** t's version counter (see {@link Tensor#version}), made on first need. */
    private static int[] versionCounter(Tensor t) {
        if (t.version == null) t.version = Storage.newVersion();
        return t.version;
    }

    /** Fills t with 0 (Tensor.zero, after its checks) and bumps its version. */
    static void zero(Tensor t) {
        beforeWrite(t);
        Storage.zero(t.data);
        versionCounter(t)[0]++;
    }

    /** {@code t.grad += g} in place (PyTorch's AccumulateGrad once a grad exists); bumps the grad's version. */
    static void addIntoGrad(Tensor t, Object g) {
        Tensor grad = t.grad;
        if (grad == null) {
            t.grad = new Tensor(t.dtype, t.shape, Storage.copy(g));   // g may be shared with the graph: own a copy
            return;
        }
        Object sum = Storage.add(grad.type(), grad.data, g);
        beforeWrite(grad);
        Storage.copyInto(sum, grad.data);
        versionCounter(grad)[0]++;
    }

    /**
     * Called by the trace capturing eager tensor t: true if the trace may keep {@code t.data}
     * itself as its constant (t then copies it before any write), false if the trace must copy
     * it (views share it).
     */
    static boolean captureData(Tensor t) {
        int[] v = versionCounter(t);
        if ((v[1] & Storage.VIEWS) != 0) return false;
        v[1] |= Storage.CAPTURED;
        return true;
    }

    /** Before an in-place write: an array a trace holds is replaced by a copy, which is written. */
    private static void beforeWrite(Tensor t) {
        int[] v = t.version;
        if (v != null && (v[1] & Storage.CAPTURED) != 0) {
            t.data = Storage.copy(t.data);
            v[1] &= ~Storage.CAPTURED;
        }
    }

    /** The data for a new view of t: from now on shared, so never held by a trace uncopied. */
    static Object shareData(Tensor t) {
        beforeWrite(t);
        versionCounter(t)[1] |= Storage.VIEWS;
        return t.data;
    }
}
