package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Checks;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Derived;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The derivative kernels' unrolled checks ({@link DerivedChecks}: {@code acceptsJvp},
 * {@code acceptsHvp}, {@code acceptsJacobian}) are true exactly when
 * {@code io.jgrad.runtime.Checks.jvp / hvp / jacobian} accept the call (for the Jacobian: and
 * the requested blocks are the kernel's): random signatures, random calls, valid ones and ones
 * with a null, a wrong count or length, an array aliased where API.md forbids it or allows it.
 * The expected outcome comes from {@code Checks}; the unrolled method is called directly (by
 * reflection: it is the kernel's protected method), so a method that always refused, which
 * would look the same through the public calls, fails here.
 */
class DerivedChecksTest {

    @Test
    void jvpHvpAndJacobianChecksAgreeWithChecksF64() {
        randomCalls(DType.F64, new Random(11));
    }

    @Test
    void jvpHvpAndJacobianChecksAgreeWithChecksF32() {
        randomCalls(DType.F32, new Random(32));
    }

    /** A signature past {@link EntryChecks#MAX_COMPARES} compares gets no unrolled hvp checks: every call goes to Checks, which still rejects. */
    @Test
    void bigHvpSignatureHasNoUnrolledChecksAndStillRejects() throws Exception {
        int n = 40;
        int[] sizes = new int[n];
        boolean[] wrt = new boolean[n];
        java.util.Arrays.fill(sizes, 1);
        java.util.Arrays.fill(wrt, true);
        Fixture f = new Fixture(sizes, wrt, true, DType.F64);
        assertThrows(NoSuchMethodException.class, () -> f.hvp.getClass().getDeclaredMethod("acceptsHvp", double[][].class, double[][].class, double[][].class));
        double[][] in = new double[n][], hv = new double[n][];
        for (int i = 0; i < n; i++) {
            in[i] = new double[] {0.1 * i};
            hv[i] = new double[1];
        }
        hv[7] = hv[3];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.c.hvp(in, new double[n][], hv));
        assertTrue(e.getMessage().contains("hv[7]") && e.getMessage().contains("same array as hv[3]"), e.getMessage());
        hv[7] = new double[1];
        f.c.hvp(in, new double[n][], hv);   // accepted by Checks
    }

    /**
     * The Jacobian memo starts empty, not as "every block null": after one call (which makes the
     * kernel and its scratch without running the unrolled checks), a call with every block null
     * must not pass the memo's fast path into the first call's kernel. Checks accepts it (a null
     * block is not computed): the value is written, nothing else, and no exception.
     */
    @Test
    void aCallWithNoBlocksAfterACallWithBlocksComputesOnlyTheValue() {
        for (DType d : DType.values()) {
            if (!d.isFloat() || d == DType.F16) continue;
            Fixture f = new Fixture(new int[] {2, 1}, new boolean[] {true, true}, false, d);
            if (d == DType.F64) {
                double[][] in = {{0.5, -1}, {0.25}};
                double[] out = new double[2];
                f.c.jacobian(in, out, new double[][] {new double[4], new double[2]});
                java.util.Arrays.fill(out, 7);
                f.c.jacobian(in, out, new double[2][]);
                assertEquals(Math.tanh(0.5) + Math.tanh(0.25), out[0], 1e-15);
                assertEquals(Math.tanh(-1) + Math.tanh(0.25), out[1], 1e-15);
            } else {
                float[][] in = {{0.5f, -1}, {0.25f}};
                float[] out = new float[2];
                f.c.jacobian(in, out, new float[][] {new float[4], new float[2]});
                java.util.Arrays.fill(out, 7);
                f.c.jacobian(in, out, new float[2][]);
                assertEquals((float) (Math.tanh(0.5) + Math.tanh(0.25)), out[0], 1e-6f);
            }
        }
    }

    /** A function of random inputs and its derivative kernels, made directly by {@link DerivedCode}. */
    static final class Fixture {
        final Compiled c;
        final Derived jvp, hvp, jacobian;
        final int[] sizes;
        final boolean[] wrt;
        final int outSize;
        final DType d;

        Fixture(int[] sizes, boolean[] wrt, boolean scalar, DType d) {
            this.sizes = sizes;
            this.wrt = wrt;
            this.d = d;
            int n = sizes.length;
            Builder bl = new Builder();
            int[] x = new int[n];
            String[] names = new String[n];
            for (int i = 0; i < n; i++) {
                names[i] = "x" + i;
                x[i] = bl.input(i, names[i], sizes[i] == 1 && i % 2 == 0 ? Type.of(d) : Type.of(d, sizes[i]));
            }
            int acc = scalar ? Composites.sum(bl, Composites.tanh(bl, x[0])) : Composites.tanh(bl, x[0]);
            for (int i = 1; i < n; i++)
                acc = Composites.add(bl, acc, Composites.sum(bl, Composites.tanh(bl, x[i])));
            Graph g = bl.build(acc);
            CompileRequest req = Pipelines.request(g, names, wrt);
            c = CodeGen.compile(req);
            outSize = scalar ? 1 : sizes[0];
            DerivedCode code = new DerivedCode("io/jgrad/codegen/DerivedChecksTestFn", d, req.forward, wrt, req.inputShapes, req.outputShape);
            jvp = code.jvp();
            hvp = scalar ? code.hvp() : null;
            jacobian = code.jacobian(wrt.clone());   // the kernel of every differentiable input's block
        }
    }

    static void randomCalls(DType d, Random r) {
        int[] calls = new int[3], accepted = new int[3];
        for (int f = 0; f < 18; f++) {
            int n = 1 + r.nextInt(5);
            int[] sizes = new int[n];
            boolean[] wrt = new boolean[n];
            for (int i = 0; i < n; i++) {
                sizes[i] = 1 + r.nextInt(3);
                wrt[i] = r.nextInt(3) > 0;
            }
            wrt[r.nextInt(n)] = true;
            Fixture fx = new Fixture(sizes, wrt, f % 3 != 2, d);
            Object[] memo = new Object[n + 1];
            java.util.Arrays.fill(memo, new Object());   // as the runtime's Scratch: no entry matches before a full check
            for (int k = 0; k < 200; k++) {
                int kind = fx.hvp == null ? r.nextInt(2) * 2 : r.nextInt(3);   // 0 jvp, 1 hvp, 2 jacobian
                calls[kind]++;
                if (trial(fx, kind, r, memo)) accepted[kind]++;
            }
        }
        for (int k = 0; k < 3; k++)
            assertTrue(accepted[k] > calls[k] / 10 && accepted[k] < calls[k] * 9 / 10,
                    "kind " + k + ": " + accepted[k] + " of " + calls[k] + " accepted: both outcomes exercised");
    }

    /** One random call of one kind, the unrolled check against Checks; returns whether it was accepted. */
    static boolean trial(Fixture fx, int kind, Random r, Object[] memo) {
        int n = fx.sizes.length;
        Object[] in = arrays(fx, n);
        for (int i = 0; i < n; i++) in[i] = array(fx, fx.sizes[i]);
        Object out = array(fx, fx.outSize), outTan = array(fx, fx.outSize);
        Object[] per = arrays(fx, n);   // tangents, v, hv or the Jacobian's blocks
        for (int i = 0; i < n; i++) {
            int len = kind == 2 ? fx.outSize * fx.sizes[i] : fx.sizes[i];
            per[i] = fx.wrt[i] ? array(fx, len) : r.nextBoolean() ? null : in[r.nextInt(n)];
        }
        Object[] v = kind == 1 ? arrays(fx, n) : null;
        if (v != null) for (int i = 0; i < n; i++) v[i] = r.nextInt(4) == 0 ? null : array(fx, fx.sizes[i]);
        Object[] args = {in, per, out, outTan, v};
        for (int m = r.nextInt(3); m > 0; m--) mutate(fx, args, r);
        String expected;
        boolean actual;
        switch (kind) {
            case 0 -> {
                expected = message(fx, "jvp", args[0], args[1], args[2], args[3]);
                actual = accepts(fx, fx.jvp, "acceptsJvp", args[0], args[1], args[2], args[3]);
            }
            case 1 -> {
                expected = message(fx, "hvp", args[0], args[4], args[1]);
                actual = accepts(fx, fx.hvp, "acceptsHvp", args[0], args[4], args[1]);
            }
            default -> {
                expected = message(fx, "jacobian", args[0], args[2], args[1]);
                Object[] blocks = (Object[]) args[1];
                // the kernel computes every differentiable input's block: a null one is another kernel's call
                if (expected == null) for (int i = 0; i < n; i++) if (fx.wrt[i] && blocks[i] == null) expected = "another kernel";
                actual = accepts(fx, fx.jacobian, "acceptsJacobian", args[0], args[2], args[1], memo);
                // again with the memo this call may have written: the fast path must agree as well
                boolean again = accepts(fx, fx.jacobian, "acceptsJacobian", args[0], args[2], args[1], memo);
                assertEquals(actual, again, "the memo's fast path of " + fx.jacobian.getClass().getName());
            }
        }
        assertEquals(expected == null, actual, "kind " + kind + " (Checks: " + expected + ")");
        return actual;
    }

    /** One defect (or an allowed alias) in one argument. */
    static void mutate(Fixture fx, Object[] args, Random r) {
        Object[] in = (Object[]) args[0], per = (Object[]) args[1], v = (Object[]) args[4];
        int n = fx.sizes.length, i = r.nextInt(n);
        Object anyIn = in == null || in.length == 0 ? null : in[r.nextInt(in.length)];
        switch (r.nextInt(20)) {
            case 0 -> args[0] = null;
            case 1 -> { if (in != null) args[0] = java.util.Arrays.copyOf(in, n + (r.nextBoolean() ? 1 : -1)); }
            case 2 -> { if (in != null && i < in.length) in[i] = r.nextBoolean() ? null : array(fx, fx.sizes[i] + 1); }
            case 3 -> { if (in != null && i < in.length) in[i] = anyIn; }   // inputs may share an array
            case 4 -> args[1] = null;
            case 5 -> { if (per != null) args[1] = java.util.Arrays.copyOf(per, n + (r.nextBoolean() ? 1 : -1)); }
            case 6 -> { if (per != null && i < per.length) per[i] = r.nextBoolean() ? null : array(fx, fx.sizes[i] * fx.outSize + 1); }
            case 7 -> { if (per != null && i < per.length) per[i] = anyIn; }
            case 8 -> { if (per != null && i < per.length) per[i] = r.nextBoolean() ? args[2] : args[3]; }
            case 9 -> { if (per != null && i < per.length) per[i] = per[r.nextInt(per.length)]; }
            case 10 -> args[2] = r.nextBoolean() ? null : array(fx, fx.outSize + 1);
            case 11 -> args[2] = r.nextBoolean() ? anyIn : args[3];
            case 12 -> { if (per != null && i < per.length) args[2] = per[i]; }
            case 13 -> args[3] = r.nextBoolean() ? null : array(fx, fx.outSize + 2);
            case 14 -> args[3] = r.nextBoolean() ? anyIn : args[2];
            case 15 -> { if (per != null && i < per.length) args[3] = per[i]; }
            case 16 -> { if (v != null && i < v.length) v[i] = r.nextBoolean() ? null : array(fx, fx.sizes[i] + 1); }
            case 17 -> { if (v != null && i < v.length && per != null && per.length > 0) v[i] = r.nextBoolean() ? per[r.nextInt(per.length)] : anyIn; }
            case 18 -> { if (v != null) args[4] = r.nextBoolean() ? null : java.util.Arrays.copyOf(v, n + 1); }
            default -> { } // leave it valid
        }
    }

    static Object array(Fixture fx, int length) {
        return fx.d == DType.F64 ? new double[length] : new float[length];
    }

    static Object[] arrays(Fixture fx, int count) {
        return fx.d == DType.F64 ? new double[count][] : new float[count][];
    }

    /** The parameter types of a call over the function's arrays: 1 = an array, 2 = an array of arrays. */
    static Class<?>[] types(Fixture fx, int... kinds) {
        Class<?>[] t = new Class<?>[kinds.length];
        for (int k = 0; k < kinds.length; k++)
            t[k] = kinds[k] == 0 ? Object[].class : fx.d == DType.F64 ? (kinds[k] == 1 ? double[].class : double[][].class) : (kinds[k] == 1 ? float[].class : float[][].class);
        return t;
    }

    /** Checks' message for the call, or null when Checks accepts it. */
    static String message(Fixture fx, String check, Object... args) {
        int[] kinds = switch (check) {
            case "jvp" -> new int[] {2, 2, 1, 1};
            case "hvp" -> new int[] {2, 2, 2};
            default -> new int[] {2, 1, 2};
        };
        Class<?>[] t = types(fx, kinds);
        Class<?>[] withCompiled = new Class<?>[t.length + 1];
        withCompiled[0] = Compiled.class;
        System.arraycopy(t, 0, withCompiled, 1, t.length);
        Object[] all = new Object[args.length + 1];
        all[0] = fx.c;
        System.arraycopy(args, 0, all, 1, args.length);
        try {
            Checks.class.getMethod(check, withCompiled).invoke(null, all);
            return null;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) return iae.getMessage();
            throw new AssertionError(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** The kernel's unrolled check (which must exist: these signatures are small). */
    static boolean accepts(Fixture fx, Derived kernel, String method, Object... args) {
        int[] kinds = switch (method) {
            case "acceptsJvp" -> new int[] {2, 2, 1, 1};
            case "acceptsHvp" -> new int[] {2, 2, 2};
            default -> new int[] {2, 1, 2, 0};
        };
        try {
            Method m = kernel.getClass().getDeclaredMethod(method, types(fx, kinds));
            m.setAccessible(true);
            return (boolean) m.invoke(kernel, args);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(method + " of " + kernel.getClass().getName(), e);
        }
    }

}
