package io.jgrad.bench;

import static io.jgrad.bench.demo.SideBySide.columns;
import static io.jgrad.bench.demo.SideBySide.expectError;
import static io.jgrad.bench.demo.SideBySide.f4;
import static io.jgrad.bench.demo.SideBySide.heading;
import static io.jgrad.bench.demo.SideBySide.note;
import static io.jgrad.bench.demo.SideBySide.row;

import io.jgrad.Arg;
import io.jgrad.Fn1;
import io.jgrad.Grad;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Parser;
import io.jgrad.ir.Prim;
import io.jgrad.Tensor;
import io.jgrad.bench.demo.DerivativesDemo;
import io.jgrad.bench.demo.LogisticRegressionDemo;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The demo: the seed notebooks run eagerly and compiled side by side, the compiled neuron's
 * IR and bytecode, online training of a logistic regression with the compiled gradient, and
 * a Graphviz picture of the neuron's forward+adjoint graph, then Newton's method with the
 * compiled Hessian-vector product and the Black-Scholes greeks ({@link DerivativesDemo#run}).
 * Each section is one method.
 */
public final class Demo {
    private Demo() {}

    /** Where the demo writes its files (ignored by git), relative to the working directory. */
    static final Path OUT = Path.of("jgrad-out");

    public static void main(String[] args) throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(OUT);

        System.out.println("jgrad demo: each function is written once over Tensors, run eagerly (PyTorch's autograd)");
        System.out.println("and compiled with Grad.compile (value and gradient from valueAndGrad, 4 decimals).");
        squareAtThree();
        sinOfSquareAtFour();
        Compiled neuron = logisticNeuron();
        meanOfSquares();
        accumulation();
        stopTracking();
        float16Notebook();
        neuronInFloat64();

        neuronIr(neuron);
        LogisticRegressionDemo.run();
        neuronDot(neuron);
        System.out.println();
        DerivativesDemo.run();   // Newton with the compiled hvp; Black-Scholes greeks (issue 11)

        System.out.printf(Locale.ROOT, "%ndemo finished in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    // ---------------------------------------------------------------- 1. the seed notebooks

    static void squareAtThree() {
        heading("1.1  y = x² at x = 3");
        Fn1 square = x -> x.pow(2f);
        Compiled f = Grad.compile(square);
        float[][] grads = {new float[1]};
        float value = f.valueAndGrad(new float[][] {{3f}}, grads);

        columns();
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        row("x", x, f4(3f));
        Tensor y = square.apply(x);
        row("y = x.pow(2)", y, f4(value));
        y.backward();
        row("y.backward(); x.grad()", x.grad(), f4(grads[0][0]));
        note("by hand: dy/dx = 2x = " + f4(2 * 3f));
    }

    static void sinOfSquareAtFour() {
        heading("1.2  z = sin(x²) at x = 4");
        Fn1 sinOfSquare = x -> x.pow(2f).sin();
        Compiled f = Grad.compile(sinOfSquare);
        float[][] grads = {new float[1]};
        float value = f.valueAndGrad(new float[][] {{4f}}, grads);

        columns();
        Tensor x = Tensor.scalar(4f).requiresGrad(true);
        Tensor z = sinOfSquare.apply(x);
        row("z = x.pow(2).sin()", z, f4(value));
        z.backward();
        row("z.backward(); x.grad()", x.grad(), f4(grads[0][0]));
        note("by hand: dz/dx = 2x·cos(x²) = " + f4((float) (2 * 4 * Math.cos(16))));
    }

    // The neuron in three pieces, so that the eager cells can show z and p, and the compiled
    // function is exactly the same code (shared/golden/cases/seed_bce_scalar.json).
    static Tensor preActivation(Tensor w, Tensor b, Tensor x) {
        return w.mul(x).add(b);
    }

    // The constants are written as doubles: on F32 tensors they become floats (1 - 1e-8 is 1f, as
    // in PyTorch's float32), on F64 tensors they stay exact (API.md: a constant takes the tensor's dtype).
    static Tensor clampedProbability(Tensor z) {
        return z.sigmoid().clamp(1e-8, 1 - 1e-8);
    }

    static Tensor binaryCrossEntropy(Tensor p, Tensor y) {
        return y.mul(p.log()).add(y.rsub(1.0).mul(p.rsub(1.0).log())).neg();
    }

    static Compiled compileNeuron() {
        return Grad.compile((w, b, x, y) -> binaryCrossEntropy(clampedProbability(preActivation(w, b, x)), y),
                Arg.scalar().named("w"), Arg.scalar().named("b"),
                Arg.scalar().noGrad().named("x"), Arg.scalar().noGrad().named("y"));
    }

    static Compiled logisticNeuron() {
        heading("1.3  logistic neuron, binary cross-entropy with clamp: x = 6.7, y = 0, w = 1, b = 0");
        long t0 = System.nanoTime();
        Compiled f = compileNeuron();
        long compileMicros = (System.nanoTime() - t0) / 1000;
        float[][] inputs = {{1f}, {0f}, {6.7f}, {0f}};
        float[][] grads = {new float[1], new float[1], null, null};   // x and y are data: no gradient
        float loss = f.valueAndGrad(inputs, grads);

        columns();
        Tensor w = Tensor.scalar(1f).requiresGrad(true), b = Tensor.scalar(0f).requiresGrad(true);
        Tensor x = Tensor.scalar(6.7f), y = Tensor.scalar(0f);
        Tensor z = preActivation(w, b, x);
        row("z = w·x + b", z, "");
        Tensor p = clampedProbability(z);
        row("p = sigmoid(z).clamp(1e-8, 1 - 1e-8)", p, "");
        Tensor l = binaryCrossEntropy(p, y);
        row("loss = -(y·log p + (1-y)·log(1-p))", l, f4(loss));
        l.backward();
        row("loss.backward(); w.grad()", w.grad(), f4(grads[0][0]));
        row("b.grad()", b.grad(), f4(grads[1][0]));

        note("the chain rule by hand:");
        float pv = p.item(), yv = y.item(), xv = x.item();
        float dLdp = -(yv / pv) + (1 - yv) / (1 - pv);
        float dpdz = pv * (1 - pv);
        row("  dL/dp = -y/p + (1-y)/(1-p)", Tensor.scalar(dLdp), "");
        row("  dp/dz = p·(1-p)", Tensor.scalar(dpdz), "");
        row("  dL/dw = dL/dp · dp/dz · x", Tensor.scalar(dLdp * dpdz * xv), "");
        row("  dL/db = dL/dp · dp/dz · 1", Tensor.scalar(dLdp * dpdz), "");
        note(String.format(Locale.ROOT, "compiled - eager at full float precision: loss %.1e, dw %.1e, db %.1e",
                loss - l.item(), grads[0][0] - w.grad().item(), grads[1][0] - b.grad().item()));
        note(String.format(Locale.ROOT, "Grad.compile took %.1f ms: trace, adjoint, optimise, generate the class", compileMicros / 1000.0));
        return f;
    }

    static void meanOfSquares() {
        heading("1.4  m = mean(x²) for x = [1, 2, 3]  (compiled with Arg.of(3))");
        Fn1 meanOfSquares = x -> x.pow(2f).mean();
        Compiled f = Grad.compile(meanOfSquares, Arg.of(3));
        float[] xs = {1f, 2f, 3f};
        float[][] grads = {new float[3]};
        float value = f.valueAndGrad(new float[][] {xs}, grads);

        columns();
        Tensor x = Tensor.of(xs).requiresGrad(true);
        row("x", x, f4(xs));
        Tensor m = meanOfSquares.apply(x);
        row("m = x.pow(2).mean()", m, f4(value));
        m.backward();
        row("m.backward(); x.grad()", x.grad(), f4(grads[0]));
        note("by hand: dm/dx = 2x/3");
    }

    static void accumulation() {
        heading("1.5  eager gradients accumulate across backward calls; compiled ones are overwritten");
        Compiled f = Grad.compile(x -> x.pow(2f));
        float[][] inputs = {{3f}};
        float[][] grads = {new float[1]};   // the same array on every call

        columns();
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        x.pow(2f).backward();
        f.valueAndGrad(inputs, grads);
        row("x.pow(2).backward(); x.grad()", x.grad(), f4(grads[0][0]));
        x.pow(2f).backward();
        f.valueAndGrad(inputs, grads);
        row("x.pow(2).backward() again; x.grad()", x.grad(), f4(grads[0][0]));
        row("x.grad().zero()", x.grad().zero(), "(nothing to clear)");
        x.pow(2f).backward();
        f.valueAndGrad(inputs, grads);
        row("x.pow(2).backward(); x.grad()", x.grad(), f4(grads[0][0]));
        note("valueAndGrad writes grads[i] on every call; to accumulate, add the arrays yourself");
    }

    static void stopTracking() {
        heading("1.6  three ways to stop tracking (compiled: detach() inside the function, Arg.noGrad() for an input)");
        columns();
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        row("y = x·2", x.mul(2f), "");

        // 1. detach: x·x.detach() is differentiated as x·constant
        Fn1 timesDetached = t -> t.mul(t.detach());
        row("x.detach()", x.detach(), "");
        timesDetached.apply(x).backward();
        row("x.mul(x.detach()).backward(); x.grad()", x.grad(), f4(gradientAt(Grad.compile(timesDetached), 3f)));
        x.grad().zero();

        // 2. a noGrad scope: what is made inside is a constant to autograd
        Fn1 timesDoubledUntracked = t -> {
            Tensor doubled;
            try (var g = Grad.noGrad()) {
                doubled = t.mul(2f);
            }
            return t.mul(doubled);
        };
        Tensor n;
        try (var g = Grad.noGrad()) {
            n = x.mul(2f);
        }
        row("try (var g = Grad.noGrad()) { x·2 }", n, "");
        timesDoubledUntracked.apply(x).backward();
        float compiledUntracked = gradientAt(Grad.compile(timesDoubledUntracked), 3f);
        row("x.mul(that).backward(); x.grad()", x.grad(), f4(compiledUntracked));
        note("without stopping: d(x·x)/dx = 6 and d(x·2x)/dx = 12");
        if (compiledUntracked != x.grad().item())
            note("compiled differs: Grad.compile does not honour a Grad.noGrad() scope while tracing; use detach() there");

        // 3. requiresGrad(false) on a leaf; compiled, the input is declared Arg...noGrad()
        x.requiresGrad(false);
        row("x.requiresGrad(false)", x, "");
        Tensor c = x.mul(2f);
        row("x·2", c, "");
        Compiled scaled = Grad.compile((w, data) -> w.mul(data), Arg.scalar().named("w"), Arg.scalar().noGrad().named("data"));
        float[][] grads = {new float[1], {-1f}};   // -1 marks the array: a noGrad input's gradient is never written
        scaled.valueAndGrad(new float[][] {{2f}, {3f}}, grads);
        Tensor data = Tensor.scalar(3f);
        Tensor.scalar(2f).requiresGrad(true).mul(data).backward();
        row("w.mul(data).backward(); data.grad()", data.grad(), "grads[1] = " + f4(grads[1]) + ", untouched");

        note("and the errors, as they are caught (eager ones in PyTorch's words):");
        expectError("(x·2).backward()", c::backward);
        Tensor tracked = Tensor.scalar(3f).requiresGrad(true).mul(2f);
        expectError("y.requiresGrad(false)", () -> tracked.requiresGrad(false));
        Tensor v = Tensor.of(1f, 2f).requiresGrad(true).mul(2f);
        expectError("Tensor.of(1, 2).requiresGrad(true).mul(2).backward()", v::backward);
        Tensor s = Tensor.scalar(3f).requiresGrad(true);
        Tensor sq = s.pow(2f);
        sq.backward();
        expectError("y = x.pow(2); y.backward(); y.backward()", sq::backward);
        expectError("Grad.compile(x -> x.add(x.item()))", () -> Grad.compile(t -> t.add(t.item())));
        expectError("scaled.valueAndGrad({{2}, {3, 4}}, grads)", () -> scaled.valueAndGrad(new float[][] {{2f}, {3f, 4f}}, grads));
    }

    // ---------------------------------------------------------------- 1.7, 1.8: data types

    static void float16Notebook() {
        heading("1.7  the float16 notebook: x = 10 in float16, y = x², dy/dx = 20  (eager only, as PyTorch's CPU half)");
        columns();
        Tensor x = Tensor.full(10, DType.F16).requiresGrad(true);
        row("x = Tensor.full(10, DType.F16)", x, "");
        Tensor y = x.pow(2);
        row("y = x.pow(2)", y, "");
        y.backward();
        row("y.backward(); x.grad()", x.grad(), "");
        note("each op computes in float32 and rounds its result to the nearest half (ties to even),");
        note("so float16 keeps 11 significant bits and overflows past 65504:");
        Tensor big = Tensor.full(300, DType.F16);
        row("Tensor.full(300, DType.F16).pow(2)", big.pow(2), "");
        row("Tensor.full(0.1, DType.F16)", Tensor.full(0.1, DType.F16), "");
        row("...to(DType.F64)", Tensor.full(0.1, DType.F16).to(DType.F64), "");
        expectError("Grad.compile(x -> x.pow(2), Arg.like(x))", () -> Grad.compile(t -> t.pow(2), Arg.like(x)));
        Compiled f32 = Grad.compile(t -> t.pow(2));
        note("compiled in F32 instead, as the message says: d/dx at 10 = " + f4(gradientAt(f32, 10f)));
    }

    static void neuronInFloat64() {
        heading("1.8  the neuron in float64 beside float32 (Tensor.scalar(double) makes F64; Arg.dtype(F64) compiles it)");
        Compiled f64 = Grad.compile((w, b, x, y) -> binaryCrossEntropy(clampedProbability(preActivation(w, b, x)), y),
                Arg.scalar().dtype(DType.F64).named("w"), Arg.scalar().dtype(DType.F64).named("b"),
                Arg.scalar().dtype(DType.F64).noGrad().named("x"), Arg.scalar().dtype(DType.F64).noGrad().named("y"));
        double[][] grads = {new double[1], new double[1], null, null};
        double loss64 = f64.valueAndGrad(new double[][] {{1}, {0}, {6.7}, {0}}, grads);

        columns();
        Tensor[] eager = new Tensor[3], eager64 = new Tensor[3];
        for (int k = 0; k < 2; k++) {
            boolean d = k == 1;
            Tensor w = d ? Tensor.scalar(1.0).requiresGrad(true) : Tensor.scalar(1f).requiresGrad(true);
            Tensor b = d ? Tensor.scalar(0.0).requiresGrad(true) : Tensor.scalar(0f).requiresGrad(true);
            Tensor x = d ? Tensor.scalar(6.7) : Tensor.scalar(6.7f), y = d ? Tensor.scalar(0.0) : Tensor.scalar(0f);
            Tensor l = binaryCrossEntropy(clampedProbability(preActivation(w, b, x)), y);
            l.backward();
            Tensor[] into = d ? eager64 : eager;
            into[0] = l;
            into[1] = w.grad();
            into[2] = b.grad();
        }
        row("loss, F32", eager[0], "");
        row("loss, F64", eager64[0], String.format(Locale.ROOT, "%.4f", loss64));
        row("w.grad(), F32", eager[1], "");
        row("w.grad(), F64", eager64[1], String.format(Locale.ROOT, "%.4f", grads[0][0]));
        row("b.grad(), F64", eager64[2], String.format(Locale.ROOT, "%.4f", grads[1][0]));
        note("all the digits (x = 6.7 is not the same number in float and double, so neither is the loss):");
        note(String.format(Locale.ROOT, "  F32 eager     loss %.17g  dw %.17g", eager[0].item(), eager[1].item()));
        note(String.format(Locale.ROOT, "  F64 eager     loss %.17g  dw %.17g", eager64[0].doubleItem(), eager64[1].doubleItem()));
        note(String.format(Locale.ROOT, "  F64 compiled  loss %.17g  dw %.17g", loss64, grads[0][0]));
        note("an F64 tensor refuses to round itself silently:");
        expectError("loss64.item()", eager64[0]::item);
    }

    /** d f / d x at x, for a compiled function of one scalar. */
    private static float gradientAt(Compiled f, float x) {
        float[][] grads = {new float[1]};
        f.valueAndGrad(new float[][] {{x}}, grads);
        return grads[0][0];
    }

    // ---------------------------------------------------------------- 2. IR and bytecode

    static void neuronIr(Compiled neuron) throws IOException {
        heading("2. the compiled neuron: optimised forward+adjoint IR (Compiled.ir())");
        String ir = neuron.ir();
        System.out.print(ir.endsWith("\n") ? ir : ir + "\n");

        // The text form parses back into a graph (print -> parse -> print is exact): count from it.
        Graph g = Parser.parse(ir);
        long constants = g.nodes().stream().filter(n -> n.prim() == Prim.CONST).count();
        note(g.size() + " values: " + g.inputs().size() + " inputs, " + constants + " constants, " + g.opCount()
                + " operations computing the loss and both gradients");

        byte[] bytecode = neuron.bytecode();
        Path classFile = OUT.resolve("neuron.class");
        Files.write(classFile, bytecode);
        note("generated hidden class: " + bytecode.length + " bytes of bytecode, written to " + classFile);
        note("read it with:  javap -c -p " + classFile
                + "   (or run with -Djgrad.dump=DIR to write every generated class and its IR)");
    }

    // ---------------------------------------------------------------- 4. Graphviz

    static void neuronDot(Compiled neuron) {
        heading("4. the neuron's forward+adjoint graph as Graphviz (Compiled.dot())");
        try {
            Path file = OUT.resolve("neuron.dot");
            Files.writeString(file, neuron.dot());
            note("wrote " + file.toAbsolutePath());
            note("render it with:  dot -Tsvg " + file + " -o " + OUT.resolve("neuron.svg"));
        } catch (RuntimeException | IOException e) {
            note("Compiled.dot() is not available yet: " + e);
        }
    }
}
