package io.jgrad.codegen;

import io.jgrad.ir.Node;

import java.util.Arrays;

/**
 * Where BodyEmitter cuts chunks. Without templates: past {@link Plan#chunkBytes}. With them
 * ({@link ChunkTemplates}), at content-defined points, like rsync's chunking: between half of
 * chunkBytes and chunkBytes, before a statement whose position-independent signature equals that
 * of the chunk's first statement, or hashes to 0 mod {@link #MARK}; past chunkBytes as before (a
 * chunk never ends later than without templates: one statement may take up to 8000 - chunkBytes). On an unrolled recurrence the
 * cuts then fall at the same phase of every step, so chunks repeat instruction for instruction
 * (up to int constants) and share a template; a cut by bytes alone drifts against the period.
 *
 * <p>A signature names what a statement computes and where its operands come from (prim, kind,
 * dtype and shape; each operand as "computed k statements ago" or as a leaf's prim and shape),
 * never a value id or an offset. Cuts only decide which chunks can share: correctness never
 * depends on them (a template is made from chunks with equal instructions only).
 */
final class ChunkCuts {
    /** A statement with a signature hash of 0 mod MARK (a power of two) is a cut point as well. */
    static final int MARK = 32;
    /** An operand computed further back than this is "far": its distance differs between the steps of a reversed (adjoint) recurrence. */
    static final int NEAR = 512;

    private final Plan p;
    private final boolean contentDefined;
    private final int min;
    /** The statement computing each value, or -1. */
    private final int[] stmtOf;
    private long firstSignature;

    ChunkCuts(Plan p, boolean contentDefined) {
        this.p = p;
        this.contentDefined = contentDefined;
        this.min = p.chunkBytes / 2;
        this.stmtOf = new int[p.n];
        Arrays.fill(stmtOf, -1);
        if (contentDefined) for (int s = 0; s < p.stmts.size(); s++) if (stmtOf[p.stmts.get(s).node()] < 0) stmtOf[p.stmts.get(s).node()] = s;
    }

    /** A chunk starts at statement s. */
    void started(int s) {
        if (contentDefined && s < p.stmts.size()) firstSignature = signature(s);   // a body may have no statement
    }

    /** Whether the open chunk, {@code bytes} long, ends before statement {@code next}. */
    boolean cutBefore(int next, int bytes) {
        if (bytes > p.chunkBytes) return true;
        if (!contentDefined) return false;
        if (bytes < min) return false;
        long sig = signature(next);
        return sig == firstSignature || (mix(sig) & (MARK - 1)) == 0;
    }

    private long signature(int s) {
        Plan.Stmt st = p.stmts.get(s);
        Node nd = p.node(st.node());
        long h = 17;
        h = h * 31 + st.kind().ordinal();
        h = h * 31 + st.output();
        h = h * 31 + nd.prim().ordinal();
        h = h * 31 + nd.type().dtype().ordinal();
        h = h * 31 + Arrays.hashCode(nd.type().shape());
        for (int i = 0; i < nd.arity(); i++) {
            int a = nd.arg(i);
            int c = p.scalar[a] ? p.canon[a] : a;
            int from = stmtOf[c];
            if (from >= 0 && from < s) {
                h = h * 31 + (s - from <= NEAR ? s - from : -1);
            } else {
                Node an = p.node(c);
                h = h * 31 + 1000 + an.prim().ordinal();
                h = h * 31 + Arrays.hashCode(an.type().shape());
            }
        }
        return h;
    }

    /** Spreads the signature's bits (a 64-bit finaliser) so that its low bits are a fair draw. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
