package io.jgrad.bench.models;

import io.jgrad.Arg;
import io.jgrad.Grad;
import io.jgrad.Tensor;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;

/**
 * One bundle-adjustment observation's reprojection residual written with the Tensor API, F64
 * (shared/adbench README, "BA"), as a user would for {@code Compiled.jacobian}: 17 scalar
 * inputs, the 15 parameters of {@link io.jgrad.bench.handwritten.BaJacobian} (r, C, f, u0 v0,
 * k1 k2, X, w) then the observed feature (fx, fy, not differentiated), and a [2] output.
 *
 * <p>Written with the version-1 operations: the two residuals become a vector as
 * e0·[1, 0] + e1·[0, 1] (there is no stack before issue 10), and only the README's t² ≠ 0 branch
 * (Rodrigues) is written: the t² = 0 one needs {@code where} (issue 10), and the benchmark's
 * camera does not take it.
 */
public final class BaResidual {
    private BaResidual() {}

    public static final String[] NAMES = {"r0", "r1", "r2", "C0", "C1", "C2", "f", "u0", "v0", "k1", "k2", "X0", "X1", "X2", "w", "fx", "fy"};

    public static Tensor residual(Tensor[] in) {
        Tensor r0 = in[0], r1 = in[1], r2 = in[2], f = in[6], u0 = in[7], v0 = in[8], k1 = in[9], k2 = in[10], w = in[14];
        Tensor y0 = in[11].sub(in[3]), y1 = in[12].sub(in[4]), y2 = in[13].sub(in[5]);
        Tensor t = r0.square().add(r1.square()).add(r2.square()).sqrt();
        Tensor cs = t.cos(), sn = t.sin(), omc = cs.rsub(1.0);
        Tensor a0 = r0.div(t), a1 = r1.div(t), a2 = r2.div(t);
        Tensor dotOmc = a0.mul(y0).add(a1.mul(y1)).add(a2.mul(y2)).mul(omc);
        // Rodrigues: z = y cos t + (a × y) sin t + a (a·y)(1 - cos t)
        Tensor z0 = y0.mul(cs).add(a1.mul(y2).sub(a2.mul(y1)).mul(sn)).add(a0.mul(dotOmc));
        Tensor z1 = y1.mul(cs).add(a2.mul(y0).sub(a0.mul(y2)).mul(sn)).add(a1.mul(dotOmc));
        Tensor z2 = y2.mul(cs).add(a0.mul(y1).sub(a1.mul(y0)).mul(sn)).add(a2.mul(dotOmc));
        Tensor p0 = z0.div(z2), p1 = z1.div(z2);
        Tensor s = p0.square().add(p1.square());
        Tensor lf = k1.mul(s).add(k2.mul(s).mul(s)).add(1.0).mul(f);   // (1 + k1 s + k2 s²) f
        Tensor e0 = w.mul(p0.mul(lf).add(u0).sub(in[15]));
        Tensor e1 = w.mul(p1.mul(lf).add(v0).sub(in[16]));
        return e0.mul(Tensor.of(1.0, 0.0)).add(e1.mul(Tensor.of(0.0, 1.0)));
    }

    /** The residual compiled in F64; its Jacobian blocks are inputs 0..14 (the feature is data). */
    public static Compiled compile() {
        Arg[] args = new Arg[NAMES.length];
        for (int i = 0; i < args.length; i++) {
            Arg a = Arg.scalar().dtype(DType.F64).named(NAMES[i]);
            args[i] = i < 15 ? a : a.noGrad();
        }
        return Grad.compile(BaResidual::residual, args);
    }
}
