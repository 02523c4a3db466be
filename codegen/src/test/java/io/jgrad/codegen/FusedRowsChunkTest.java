package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Jacobian by fused rows over one-element values is written as one chunk method when it fits
 * DerivedCode.SMALL_VALUES_CHUNK_BYTES: no content-defined cut (chunk templates) splits it, which
 * would spill every value live across the cut to the workspace. The function is the
 * bundle-adjustment residual of the bench module (BaResidual), built here with Composites: its
 * body is ~4 KB, past the 2,750 bytes from which a content-defined cut may fall.
 */
class FusedRowsChunkTest {
    static final int PARAMS = 15;

    /** r0 r1 r2, C0 C1 C2, f, u0 v0, k1 k2, X0 X1 X2, w, then fx fy (data): out = w·(proj - feature), [2]. */
    static Graph residual() {
        Builder b = new Builder();
        int[] in = new int[17];
        for (int i = 0; i < in.length; i++) in[i] = b.input(i, "p" + i, Type.f64());
        int r0 = in[0], r1 = in[1], r2 = in[2], f = in[6], u0 = in[7], v0 = in[8], k1 = in[9], k2 = in[10], w = in[14];
        int y0 = Composites.sub(b, in[11], in[3]), y1 = Composites.sub(b, in[12], in[4]), y2 = Composites.sub(b, in[13], in[5]);
        int t = Composites.sqrt(b, Composites.add(b, Composites.add(b, Composites.square(b, r0), Composites.square(b, r1)), Composites.square(b, r2)));
        int cs = Composites.cos(b, t), sn = Composites.sin(b, t), omc = Composites.rsub(b, cs, 1.0);
        int a0 = Composites.div(b, r0, t), a1 = Composites.div(b, r1, t), a2 = Composites.div(b, r2, t);
        int dot = Composites.mul(b, Composites.add(b, Composites.add(b, Composites.mul(b, a0, y0), Composites.mul(b, a1, y1)), Composites.mul(b, a2, y2)), omc);
        int z0 = rodrigues(b, y0, cs, a1, y2, a2, y1, sn, a0, dot);
        int z1 = rodrigues(b, y1, cs, a2, y0, a0, y2, sn, a1, dot);
        int z2 = rodrigues(b, y2, cs, a0, y1, a1, y0, sn, a2, dot);
        int p0 = Composites.div(b, z0, z2), p1 = Composites.div(b, z1, z2);
        int s = Composites.add(b, Composites.square(b, p0), Composites.square(b, p1));
        int lf = Composites.mul(b, Composites.add(b, Composites.add(b, Composites.mul(b, k1, s), Composites.mul(b, Composites.mul(b, k2, s), s)), 1.0), f);
        int e0 = Composites.mul(b, w, Composites.sub(b, Composites.add(b, Composites.mul(b, p0, lf), u0), in[15]));
        int e1 = Composites.mul(b, w, Composites.sub(b, Composites.add(b, Composites.mul(b, p1, lf), v0), in[16]));
        int out = Composites.add(b, Composites.mul(b, e0, b.constant(Type.f64(2), 1, 0)), Composites.mul(b, e1, b.constant(Type.f64(2), 0, 1)));
        return b.build(out);
    }

    /** y·cos t + (a_i·y_j - a_j·y_i)·sin t + a·dot: one component of the rotated point. */
    private static int rodrigues(Builder b, int y, int cs, int ai, int yj, int aj, int yi, int sn, int a, int dot) {
        int cross = Composites.sub(b, Composites.mul(b, ai, yj), Composites.mul(b, aj, yi));
        return Composites.add(b, Composites.add(b, Composites.mul(b, y, cs), Composites.mul(b, cross, sn)), Composites.mul(b, a, dot));
    }

    @Test
    void theBundleAdjustmentJacobianIsOneChunk() throws IOException {
        String[] names = new String[17];
        boolean[] wrt = new boolean[17];
        for (int i = 0; i < names.length; i++) {
            names[i] = "p" + i;
            wrt[i] = i < PARAMS;
        }
        Compiled c = Pipelines.compile(residual(), names, wrt);
        double[] params = {-0.291627, -0.092103, -0.183359, 7.777764, 3.822325, -57.807582, 455.572629,
                -5.405546, -3.04179, 0.081245, 0.000622, 3.854164, 9.98913, -2.607906, 0.904224, -62.914178, 203.975456};
        double[][] inputs = new double[17][], jac = new double[17][];
        for (int i = 0; i < 17; i++) inputs[i] = new double[] {params[i]};
        for (int i = 0; i < PARAMS; i++) jac[i] = new double[2];
        Path dir = Files.createTempDirectory("jgrad-fused-rows");
        System.setProperty("jgrad.dump", dir.toString());
        try {
            c.jacobian(inputs, new double[2], jac);
        } finally {
            System.clearProperty("jgrad.dump");
        }
        try (var files = Files.list(dir)) {
            List<Path> kernels = files.filter(p -> p.getFileName().toString().contains("$jacobianRows") && p.toString().endsWith(".class")).toList();
            assertEquals(1, kernels.size(), "one kernel class: " + kernels);
            ClassNode cn = new ClassNode();
            new ClassReader(Files.readAllBytes(kernels.get(0))).accept(cn, 0);
            List<MethodNode> chunks = cn.methods.stream().filter(m -> m.name.matches("jacobianRows\\$\\$\\d+")).toList();
            assertEquals(1, chunks.size(), "chunk methods: " + cn.methods.stream().map(m -> m.name).toList());
            // big enough that a cut from DerivedCode.SMALL_VALUES_CHUNK_BYTES / 2 on could split it
            assertTrue(chunks.get(0).instructions.size() > 1500, "instructions: " + chunks.get(0).instructions.size());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) Files.delete(p);
            }
            Files.delete(dir);
        }
        // d out_0 / d u0 = w, d out_1 / d v0 = w, d out_0 / d v0 = 0 (by hand)
        assertEquals(params[14], jac[7][0]);
        assertEquals(params[14], jac[8][1]);
        assertEquals(0.0, jac[8][0]);
    }
}
