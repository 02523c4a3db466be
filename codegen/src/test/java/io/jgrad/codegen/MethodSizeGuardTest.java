package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One loop nest cannot be split into chunks: when a single fused expression would exceed the
 * 8000 bytes HotSpot JIT-compiles, compile fails with a message instead of emitting a method
 * that stays interpreted. Rank-20 operands read through a reversing transpose cost ~7 bytes
 * per loop axis each.
 */
class MethodSizeGuardTest {

    @Test
    void aLoopBodyOverTheJitLimitIsRefusedLoudly() {
        // 15 rank-20 operands: the fused loop body is about 8,800 bytes (the guard's own count)
        int leaves = 15;
        String[] names = new String[leaves];
        for (int i = 0; i < leaves; i++) names[i] = "x" + i;
        Graph g = reversedLeaves(20, leaves);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Pipelines.compile(g, names, new boolean[leaves]));
        assertTrue(e.getMessage().contains("over the 8000 HotSpot JIT-compiles"), e.getMessage());
    }

    @Test
    void inF64Too() {
        int leaves = 15;   // as above
        String[] names = new String[leaves];
        for (int i = 0; i < leaves; i++) names[i] = "x" + i;
        Graph g = reversedLeaves(20, leaves, DType.F64);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Pipelines.compile(g, names, new boolean[leaves]));
        assertTrue(e.getMessage().contains("over the 8000 HotSpot JIT-compiles"), e.getMessage());
        assertTrue(Harness.maxMethodSize(Pipelines.compile(reversedLeaves(3, leaves, DType.F64), names, new boolean[leaves]).bytecode()) < 8000);
    }

    @Test
    void theSameExpressionAtAnOrdinaryRankCompiles() {
        int leaves = 15;
        String[] names = new String[leaves];
        for (int i = 0; i < leaves; i++) names[i] = "x" + i;
        assertTrue(Harness.maxMethodSize(Pipelines.compile(reversedLeaves(3, leaves), names, new boolean[leaves]).bytecode()) < 8000);
    }

    /** sum over all axes of x0ᵀ + x1ᵀ · x2ᵀ ...: rank-R inputs read through a reversing transpose. */
    static Graph reversedLeaves(int rank, int leaves) {
        return reversedLeaves(rank, leaves, DType.F32);
    }

    static Graph reversedLeaves(int rank, int leaves, DType dtype) {
        int[] shape = new int[rank];
        Arrays.fill(shape, 2);
        shape[0] = 8;
        int[] rev = new int[rank];
        for (int i = 0; i < rank; i++) rev[i] = rank - 1 - i;
        Builder b = new Builder();
        int acc = -1;
        for (int k = 0; k < leaves; k++) {
            int t = b.transpose(b.input(k, "x" + k, Type.of(dtype, shape)), rev);
            acc = acc < 0 ? t : b.binary(k % 2 == 0 ? Prim.ADD : Prim.MUL, acc, t);
        }
        return b.build(b.reduce(Prim.REDUCE_SUM, acc, allAxes(rank)));
    }

    private static int[] allAxes(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) a[i] = i;
        return a;
    }
}
