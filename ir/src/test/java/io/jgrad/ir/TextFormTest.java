package io.jgrad.ir;

import io.jgrad.runtime.DType;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Printer and Parser: the format, exact round trips, and errors that point at the line. */
class TextFormTest {

    @Test
    void printsOneOpALineWithTypesAndAttributes() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(2, 3));
        int w = b.input(1, "w", Type.f32());
        int t = b.transpose(x, 1, 0);
        int s = b.reduce(Prim.REDUCE_SUM, t, 1);
        int p = b.pow(s, 2);
        int c = b.constant(Type.f32(3), 1, 2.5, -0.0);
        int m = b.binary(Prim.MUL, p, c);
        int gt = b.binary(Prim.GT, m, c);
        int sel = b.select(gt, m, b.broadcast(w, 3));
        Graph g = b.build(new int[] {sel, w}, new String[] {"out", "d_w"});
        assertEquals("""
                graph(%0: f32[2,3] x, %1: f32[] w) {
                  %2 = transpose %0 perm=[1,0] : f32[3,2]
                  %3 = reduce_sum %2 axes=[1] : f32[3]
                  %4 = pow %3 exponent=2.0 : f32[3]
                  %5 = const [1.0, 2.5, -0.0] : f32[3]
                  %6 = mul %4, %5 : f32[3]
                  %7 = gt %6, %5 : bool[3]
                  %8 = broadcast %1 : f32[3]
                  %9 = select %7, %6, %8 : f32[3]
                  return out=%9, d_w=%1
                }
                """, Printer.print(g));
    }

    @Test
    void specialConstantsAndOddNamesRoundTripExactly() {
        Builder b = new Builder();
        int x = b.input(0, "with space", Type.f32(6));
        int c = b.constant(Type.f32(6), Double.NaN, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 9.99999993922529E-9, Math.PI);
        int y = b.binary(Prim.ADD, x, c);
        int flag = b.constant(Type.of(DType.BOOL), 1);
        int seed = b.input(1, "quote\"back\\slash\u00e9", Type.f32(6));   // an input after other nodes, like the adjoint's seed
        Graph g = b.build(new int[] {y, flag, seed}, new String[] {"out", "a b", "s"});
        String text = Printer.print(g);
        assertTrue(text.startsWith("graph(%0: f32[6] \"with space\", %4: f32[6] \"quote\\\"back\\\\slash\\u00e9\") {"), text);
        assertTrue(text.contains("const [NaN, -0.0, Infinity, -Infinity, 9.99999993922529E-9, 3.141592653589793] : f32[6]"), text);
        Graph back = Parser.parse(text);
        assertEquals(text, Printer.print(back));
        assertEquals("quote\"back\\slash\u00e9", back.inputs().get(1).name());
        assertEquals(4, back.inputs().get(1).id());
        double[] d = back.node(1).data();
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(d[1]));
        assertEquals(Math.PI, d[5]);
    }

    @Test
    void everyGoldenGraphRoundTrips() {
        for (String name : GoldenCase.all()) {
            GoldenCase c = GoldenCase.load(name);
            Graph adjoint = Adjoint.of(c.forward(), c.wrt(), c.seed != null);
            for (Graph g : new Graph[] {c.forward(), adjoint, Optimizer.optimize(adjoint)}) {
                String text = Printer.print(g);
                assertEquals(text, Printer.print(Parser.parse(text)), name);
            }
        }
    }

    @Test
    void parsesWhatPeopleWrite() {
        // free spacing, no trailing newline
        Graph g = Parser.parse("graph( %0 : f32[ 2 ] x ) {  %1 = exp %0:f32[2]   return   y = %1 }");
        assertEquals("graph(%0: f32[2] x) {\n  %1 = exp %0 : f32[2]\n  return y=%1\n}\n", Printer.print(g));
    }

    @Test
    void errorsNameTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Parser.parse("graph(%0: f32[] x) {\n  %1 = frob %0 : f32[]\n  return out=%1\n}\n"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("unknown primitive 'frob'"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Parser.parse("graph(%0: f32[] x) {\n  %1 = add %0, %0 : f32[3]\n  return out=%1\n}\n"));
        assertTrue(e.getMessage().contains("%1") && e.getMessage().contains("declared f32[3]"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Parser.parse("graph(%0: f32[] x) {\n  %2 = neg %0 : f32[]\n  return out=%2\n}\n"));
        assertTrue(e.getMessage().contains("%1 is missing"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Parser.parse("graph(%0: f32[] x) {\n  %1 = neg %2 : f32[]\n  %2 = neg %0 : f32[]\n  return out=%1\n}\n"));
        assertTrue(e.getMessage().contains("%1") && e.getMessage().contains("no value %2"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Parser.parse("graph(%0: f32[] x) {\n  %1 = pow %0 : f32[]\n  return out=%1\n}\n"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("expected 'exponent'"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> Parser.parse("graph(%0: f32[] x) {\n  return out=%0\n}\n}"));
        assertTrue(e.getMessage().contains("text after the closing brace"), e.getMessage());
    }
}
