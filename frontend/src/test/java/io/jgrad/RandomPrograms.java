package io.jgrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of random programs over the public Tensor API: every op, NumPy
 * broadcasting between the pool's shapes, reductions, matmul in all four rank combinations,
 * reshape and transpose. A program is a list of steps replayable on any tensors (eager or
 * traced), so one program runs through the eager engine, the tracer+interpreter and the
 * compiled code alike. Inputs keep away from kinks and outside-of-domain values: ops with a
 * restricted domain are applied to a positive expression of their operand.
 */
final class RandomPrograms {
    /** One step: reads pool entries, appends one. */
    interface Step {
        Tensor apply(List<Tensor> pool);
    }

    static final class Program {
        final int[][] inputShapes;
        final boolean[] requiresGrad;
        final List<Step> steps = new ArrayList<>();
        final List<String> text = new ArrayList<>();
        final float[][] inputs;
        float[] seed;
        int[] outputShape;

        Program(int[][] shapes, boolean[] rg, float[][] inputs) {
            this.inputShapes = shapes;
            this.requiresGrad = rg;
            this.inputs = inputs;
        }

        Tensor run(Tensor[] in) {
            List<Tensor> pool = new ArrayList<>(Arrays.asList(in));
            for (Step s : steps) pool.add(s.apply(pool));
            return pool.get(pool.size() - 1);
        }

        Arg[] args() {
            return args(io.jgrad.runtime.DType.F32);
        }

        /** The inputs as compiled-function arguments of one dtype (every constant of the program is exact in F32 and F64). */
        Arg[] args(io.jgrad.runtime.DType dtype) {
            Arg[] a = new Arg[inputShapes.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = Arg.of(inputShapes[i]).dtype(dtype).named("x" + i);
                if (!requiresGrad[i]) a[i] = a[i].noGrad();
            }
            return a;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < inputShapes.length; i++) {
                sb.append("x").append(i).append(Arrays.toString(inputShapes[i])).append(requiresGrad[i] ? " grad" : "").append('\n');
            }
            for (int i = 0; i < text.size(); i++) sb.append("v").append(inputShapes.length + i).append(" = ").append(text.get(i)).append('\n');
            return sb.toString();
        }
    }

    private static final int[][] SHAPES = {{}, {3}, {4}, {2, 3}, {3, 1}, {1, 4}, {3, 4}, {4, 3}};

    private final Random rnd;
    /** Half the steps also draw from API.md's "More operations" (issue 10). */
    private final boolean moreOps;

    RandomPrograms(long seed) {
        this(seed, false);
    }

    RandomPrograms(long seed, boolean moreOps) {
        rnd = new Random(seed);
        this.moreOps = moreOps;
    }

    Program next() {
        int n = 1 + rnd.nextInt(3);
        int[][] shapes = new int[n][];
        boolean[] rg = new boolean[n];
        float[][] data = new float[n][];
        for (int i = 0; i < n; i++) {
            shapes[i] = SHAPES[rnd.nextInt(SHAPES.length)];
            rg[i] = i == 0 || rnd.nextInt(4) != 0;
            data[i] = new float[Shapes.size(shapes[i])];
            for (int k = 0; k < data[i].length; k++) data[i][k] = (float) (rnd.nextDouble() * 3 - 1.5);
        }
        Program p = new Program(shapes, rg, data);
        List<int[]> poolShapes = new ArrayList<>(Arrays.asList(shapes));
        int steps = 2 + rnd.nextInt(7);
        for (int s = 0; s < steps; s++) addStep(p, poolShapes);
        int[] out = poolShapes.get(poolShapes.size() - 1);
        p.outputShape = out;
        p.seed = new float[Shapes.size(out)];
        for (int k = 0; k < p.seed.length; k++) p.seed[k] = (float) (rnd.nextDouble() * 2 - 1);
        return p;
    }

    private void addStep(Program p, List<int[]> shapes) {
        int last = shapes.size() - 1;
        // prefer recent values so programs are chains, not forests of dead code
        int a = rnd.nextInt(3) == 0 ? rnd.nextInt(shapes.size()) : last;
        int[] sa = shapes.get(a);
        if (moreOps && rnd.nextBoolean() && RandomMoreOps.step(rnd, p, shapes, a)) return;
        for (int attempt = 0; attempt < 20; attempt++) {
            int kind = rnd.nextInt(10);
            if (kind <= 3) { unary(p, shapes, a); return; }
            if (kind <= 6) {
                int b = rnd.nextInt(shapes.size());
                if (broadcastable(sa, shapes.get(b))) { binary(p, shapes, a, b); return; }
                continue;
            }
            if (kind == 7 && sa.length >= 1) { reduce(p, shapes, a); return; }
            if (kind == 8) {
                int b = rnd.nextInt(shapes.size());
                int[] sb = shapes.get(b);
                if (sa.length >= 1 && sb.length >= 1 && sa.length <= 2 && sb.length <= 2 && sa[sa.length - 1] == sb[0]) { matmul(p, shapes, a, b); return; }
                continue;
            }
            if (kind == 9) { structural(p, shapes, a); return; }
        }
        unary(p, shapes, a);
    }

    static void add(Program p, List<int[]> shapes, int[] shape, String text, Step step) {
        p.steps.add(step);
        p.text.add(text);
        shapes.add(shape);
    }

    private void unary(Program p, List<int[]> shapes, int a) {
        int[] s = shapes.get(a);
        String v = "v" + a;
        float c = Math.round((rnd.nextFloat() * 4 - 2) * 4) / 4f + 0.125f;   // never 0, exact in binary
        switch (rnd.nextInt(22)) {
            case 0 -> add(p, shapes, s, v + ".neg()", pl -> pl.get(a).neg());
            case 1 -> add(p, shapes, s, v + ".clamp(-3,3).exp()", pl -> pl.get(a).clamp(-3f, 3f).exp());
            case 2 -> add(p, shapes, s, v + ".abs().add(0.5).log()", pl -> pl.get(a).abs().add(0.5f).log());
            case 3 -> add(p, shapes, s, v + ".abs().log1p()", pl -> pl.get(a).abs().log1p());
            case 4 -> add(p, shapes, s, v + ".sin()", pl -> pl.get(a).sin());
            case 5 -> add(p, shapes, s, v + ".cos()", pl -> pl.get(a).cos());
            case 6 -> add(p, shapes, s, v + ".tanh()", pl -> pl.get(a).tanh());
            case 7 -> add(p, shapes, s, v + ".sigmoid()", pl -> pl.get(a).sigmoid());
            case 8 -> add(p, shapes, s, v + ".relu()", pl -> pl.get(a).relu());
            case 9 -> add(p, shapes, s, v + ".softplus()", pl -> pl.get(a).softplus());
            case 10 -> add(p, shapes, s, v + ".abs().add(0.25).sqrt()", pl -> pl.get(a).abs().add(0.25f).sqrt());
            case 11 -> add(p, shapes, s, v + ".abs()", pl -> pl.get(a).abs());
            case 12 -> add(p, shapes, s, v + ".square()", pl -> pl.get(a).square());
            case 13 -> {
                float e = new float[] {2f, 3f, 0f, -1f, 0.5f, 1.5f}[rnd.nextInt(6)];
                add(p, shapes, s, v + ".abs().add(0.5).pow(" + e + ")", pl -> pl.get(a).abs().add(0.5f).pow(e));
            }
            case 14 -> add(p, shapes, s, v + ".clamp(-0.5,0.75)", pl -> pl.get(a).clamp(-0.5f, 0.75f));
            case 15 -> add(p, shapes, s, v + ".add(" + c + ")", pl -> pl.get(a).add(c));
            case 16 -> add(p, shapes, s, v + ".sub(" + c + ")", pl -> pl.get(a).sub(c));
            case 17 -> add(p, shapes, s, v + ".rsub(" + c + ")", pl -> pl.get(a).rsub(c));
            case 18 -> add(p, shapes, s, v + ".mul(" + c + ")", pl -> pl.get(a).mul(c));
            case 19 -> add(p, shapes, s, v + ".div(" + c + ")", pl -> pl.get(a).div(c));
            case 20 -> add(p, shapes, s, v + ".abs().add(0.5).rdiv(" + c + ")", pl -> pl.get(a).abs().add(0.5f).rdiv(c));
            default -> add(p, shapes, s, v + ".detach().mul(" + v + ")", pl -> pl.get(a).detach().mul(pl.get(a)));
        }
    }

    private void binary(Program p, List<int[]> shapes, int a, int b) {
        int[] s = io.jgrad.ir.Shapes.broadcast("gen", shapes.get(a), shapes.get(b));
        String va = "v" + a, vb = "v" + b;
        switch (rnd.nextInt(6)) {
            case 0 -> add(p, shapes, s, va + ".add(" + vb + ")", pl -> pl.get(a).add(pl.get(b)));
            case 1 -> add(p, shapes, s, va + ".sub(" + vb + ")", pl -> pl.get(a).sub(pl.get(b)));
            case 2 -> add(p, shapes, s, va + ".mul(" + vb + ")", pl -> pl.get(a).mul(pl.get(b)));
            case 3 -> add(p, shapes, s, va + ".div(" + vb + ".square().add(0.5))", pl -> pl.get(a).div(pl.get(b).square().add(0.5f)));
            case 4 -> add(p, shapes, s, va + ".maximum(" + vb + ")", pl -> pl.get(a).maximum(pl.get(b)));
            default -> add(p, shapes, s, va + ".minimum(" + vb + ")", pl -> pl.get(a).minimum(pl.get(b)));
        }
    }

    private void reduce(Program p, List<int[]> shapes, int a) {
        int[] s = shapes.get(a);
        int axis = rnd.nextInt(s.length) - (rnd.nextBoolean() ? s.length : 0);   // negative half the time
        int[] removed = io.jgrad.ir.Shapes.removeAxis(s, io.jgrad.ir.Shapes.axis("gen", s, axis));
        String v = "v" + a;
        switch (rnd.nextInt(6)) {
            case 0 -> add(p, shapes, new int[0], v + ".sum()", pl -> pl.get(a).sum());
            case 1 -> add(p, shapes, new int[0], v + ".mean()", pl -> pl.get(a).mean());
            case 2 -> add(p, shapes, removed, v + ".sum(" + axis + ")", pl -> pl.get(a).sum(axis));
            case 3 -> add(p, shapes, removed, v + ".mean(" + axis + ")", pl -> pl.get(a).mean(axis));
            case 4 -> add(p, shapes, s, v + ".softmax(" + axis + ")", pl -> pl.get(a).softmax(axis));
            default -> add(p, shapes, s, v + ".logSoftmax(" + axis + ")", pl -> pl.get(a).logSoftmax(axis));
        }
    }

    private void matmul(Program p, List<int[]> shapes, int a, int b) {
        int[] sa = shapes.get(a), sb = shapes.get(b);
        if (sa.length == 1 && sb.length == 1 && rnd.nextBoolean()) {
            add(p, shapes, new int[0], "v" + a + ".dot(v" + b + ")", pl -> pl.get(a).dot(pl.get(b)));
            return;
        }
        add(p, shapes, io.jgrad.ir.Shapes.matmul("gen", sa, sb), "v" + a + ".matmul(v" + b + ")", pl -> pl.get(a).matmul(pl.get(b)));
    }

    private void structural(Program p, List<int[]> shapes, int a) {
        int[] s = shapes.get(a);
        int n = Shapes.size(s);
        if (s.length == 2 && rnd.nextBoolean()) {
            add(p, shapes, new int[] {s[1], s[0]}, "v" + a + ".t()", pl -> pl.get(a).t());
            return;
        }
        int[] to = n % 2 == 0 && rnd.nextBoolean() ? new int[] {2, n / 2} : n % 3 == 0 && rnd.nextBoolean() ? new int[] {-1, 3} : new int[] {n};
        int[] shape = to[0] == -1 ? new int[] {n / 3, 3} : to;
        add(p, shapes, shape, "v" + a + ".reshape(" + Arrays.toString(to) + ")", pl -> pl.get(a).reshape(to));
    }

    static boolean broadcastable(int[] a, int[] b) {
        try {
            io.jgrad.ir.Shapes.broadcast("gen", a, b);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
