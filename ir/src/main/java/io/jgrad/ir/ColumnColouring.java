package io.jgrad.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which tangent lane carries which Jacobian column in {@link Derivatives#jacobianColumns}: the
 * columns are coloured (Curtis, Powell and Reid: two columns whose rows can both be nonzero get
 * different colours), each colour is one lane whose seed is the sum of its columns' one-hot
 * directions, and the colours are grouped into chunks of lanes. Because columns of one colour
 * never share a row that can be nonzero ({@link Sparsity}), lane k's value at row r is exactly
 * the entry of the one column of colour k that row r can depend on: the compressed Jacobian is
 * read back without any arithmetic (no cancellation, the same numbers as one lane per column).
 *
 * <p>The chunks are chosen by the work they do: a chunk computes every tangent value one of its
 * colours reaches, at its lane count, so colours that reach the same values go together (the
 * Hand model's finger angles, which move the whole bone chain) and colours that reach few
 * values (its global rotation, applied after the skinning) stay apart. {@link #dense} is the
 * plan without colouring: one colour per column, chunks of consecutive columns.
 */
final class ColumnColouring {
    /**
     * The cost of a tangent element beyond its lanes, in lanes: each element's loop over its
     * lanes reads its primal coefficient and computes its indices once. A modelling constant,
     * not a measurement; on Hand it gives the chunks one reads off the kinematic chain (the
     * global rotation with the translation, the du shift, the finger angles).
     */
    static final int ELEMENT_OVERHEAD = 2;
    /** Most colours grouped by work (the pairwise merging is quadratic); past it chunks are consecutive colours. */
    static final int MAX_GROUPED = 64;

    /** The colour of each column. */
    final int[] colour;
    /** Per chunk, its colours in lane order. */
    final int[][] chunks;
    /** Per colour, its chunk and its lane there. */
    final int[] chunkOf, laneOf;

    private ColumnColouring(int[] colour, int[][] chunks) {
        this.colour = colour;
        this.chunks = chunks;
        int colours = 0;
        for (int[] c : chunks) colours += c.length;
        chunkOf = new int[colours];
        laneOf = new int[colours];
        for (int c = 0; c < chunks.length; c++)
            for (int l = 0; l < chunks[c].length; l++) {
                chunkOf[chunks[c][l]] = c;
                laneOf[chunks[c][l]] = l;
            }
    }

    /** One lane per column, ceil(columns / maxLanes) chunks of consecutive columns as even as possible. */
    static ColumnColouring dense(int columns, int maxLanes) {
        int count = Math.max(1, (columns + maxLanes - 1) / maxLanes);
        int lanes = Math.max(1, (columns + count - 1) / count);
        int[] colour = new int[columns];
        for (int c = 0; c < columns; c++) colour[c] = c;
        List<int[]> chunks = new ArrayList<>();
        for (int first = 0; first < columns || chunks.isEmpty(); first += lanes) {
            int[] chunk = new int[Math.max(0, Math.min(columns, first + lanes) - first)];
            for (int l = 0; l < chunk.length; l++) chunk[l] = first + l;
            chunks.add(chunk);
        }
        return new ColumnColouring(colour, chunks.toArray(int[][]::new));
    }

    /**
     * The colouring of the pattern {@code s} found, grouped into chunks of at most maxLanes
     * lanes by work; null when no grouping fits in maxChunks chunks.
     */
    static ColumnColouring of(Sparsity s, int columns, int maxLanes, int maxChunks) {
        int[] colour = colour(s, columns);
        int colours = 0;
        for (int k : colour) colours = Math.max(colours, k + 1);
        int[][] chunks = colours <= MAX_GROUPED ? grouped(s, colour, colours, maxLanes, maxChunks) : consecutive(colours, maxLanes);
        if (chunks == null || chunks.length > maxChunks) return null;
        return new ColumnColouring(colour, chunks);
    }

    int colours() {
        return chunkOf.length;
    }

    /** Whether this is the plain plan: one colour per column, in order, chunk after chunk. */
    boolean isDense() {
        int next = 0;
        for (int[] chunk : chunks) for (int k : chunk) if (k != next++) return false;
        for (int c = 0; c < colour.length; c++) if (colour[c] != c) return false;
        return true;
    }

    /** The columns of each colour, as bitsets of {@code words} longs. */
    long[][] colourColumns(int words) {
        long[][] r = new long[colours()][words];
        for (int c = 0; c < colour.length; c++) r[colour[c]][c >>> 6] |= 1L << c;
        return r;
    }

    /** The columns of chunk i, as a bitset of {@code words} longs. */
    long[] chunkColumns(int i, int words) {
        long[] r = new long[words];
        long[][] byColour = colourColumns(words);
        for (int k : chunks[i]) for (int w = 0; w < words; w++) r[w] |= byColour[k][w];
        return r;
    }

    /** The modelled work of this plan on s: per chunk, the values it reaches times (lanes + overhead). */
    long cost(Sparsity s) {
        long total = 0;
        for (int i = 0; i < chunks.length; i++) {
            long[] cols = chunkColumns(i, s.words);
            long reached = 0;
            for (int v = 0; v < s.nodes(); v++) if (s.touches(v, cols)) reached += s.weight(v);
            total += reached * (chunks[i].length + ELEMENT_OVERHEAD);
        }
        return total;
    }

    /**
     * Greedy distance-1 colouring of the columns' intersection graph (two columns conflict when
     * some row can depend on both), the columns taken by decreasing count of rows (the
     * largest-first order), each given the smallest colour none of its conflicting columns has.
     */
    static int[] colour(Sparsity s, int columns) {
        int m = s.rows();
        // rows per column and columns per row
        int[][] rowsOf = new int[columns][], colsOf = new int[m][];
        int[] degree = new int[columns], width = new int[m];
        for (int r = 0; r < m; r++)
            for (int c = 0; c < columns; c++)
                if (s.at(r, c)) {
                    degree[c]++;
                    width[r]++;
                }
        for (int c = 0; c < columns; c++) rowsOf[c] = new int[degree[c]];
        for (int r = 0; r < m; r++) colsOf[r] = new int[width[r]];
        int[] fillC = new int[columns], fillR = new int[m];
        for (int r = 0; r < m; r++)
            for (int c = 0; c < columns; c++)
                if (s.at(r, c)) {
                    rowsOf[c][fillC[c]++] = r;
                    colsOf[r][fillR[r]++] = c;
                }
        Integer[] order = new Integer[columns];
        for (int c = 0; c < columns; c++) order[c] = c;
        Arrays.sort(order, (a, b) -> degree[a] != degree[b] ? Integer.compare(degree[b], degree[a]) : Integer.compare(a, b));
        int[] colour = new int[columns];
        Arrays.fill(colour, -1);
        int[] forbidden = new int[columns + 1];
        Arrays.fill(forbidden, -1);
        for (int c : order) {
            for (int r : rowsOf[c]) for (int d : colsOf[r]) if (colour[d] >= 0) forbidden[colour[d]] = c;
            int k = 0;
            while (forbidden[k] == c) k++;
            colour[c] = k;
        }
        return colour;
    }

    /** Colours in order, ceil(colours / maxLanes) chunks as even as possible. */
    private static int[][] consecutive(int colours, int maxLanes) {
        ColumnColouring d = dense(colours, maxLanes);
        return d.chunks;
    }

    /**
     * Chunks by work: from one chunk per colour, merge the pair that saves the most modelled work
     * (a value both reach is computed once at the summed lane count rather than twice) while
     * some merge saves and fits in maxLanes; then, while there are more than maxChunks chunks,
     * the pair that costs the least more. Null when the lanes do not allow maxChunks. The
     * values are summed up by which colours reach them (at most 64 colours: one long each), so a
     * merge is judged over the distinct reach sets, not the nodes.
     */
    private static int[][] grouped(Sparsity s, int[] colour, int colours, int maxLanes, int maxChunks) {
        long[][] byColour = new long[colours][s.words];
        for (int c = 0; c < colour.length; c++) byColour[colour[c]][c >>> 6] |= 1L << c;
        java.util.Map<Long, Long> bySet = new java.util.HashMap<>();
        for (int v = 0; v < s.nodes(); v++) {
            long reach = 0;
            for (int k = 0; k < colours; k++) if (s.touches(v, byColour[k])) reach |= 1L << k;
            if (reach != 0) bySet.merge(reach, s.weight(v), Long::sum);
        }
        long[] sets = new long[bySet.size()], weights = new long[sets.length];
        int at = 0;
        for (var e : bySet.entrySet()) {
            sets[at] = e.getKey();
            weights[at++] = e.getValue();
        }
        List<Long> groups = new ArrayList<>();   // each a set of colours
        for (int k = 0; k < colours; k++) groups.add(1L << k);
        while (groups.size() > 1) {
            boolean mustShrink = groups.size() > maxChunks;
            long best = mustShrink ? Long.MAX_VALUE : 0;
            int bi = -1, bj = -1;
            for (int i = 0; i < groups.size(); i++)
                for (int j = i + 1; j < groups.size(); j++) {
                    long gi = groups.get(i), gj = groups.get(j);
                    int li = Long.bitCount(gi), lj = Long.bitCount(gj);
                    if (li + lj > maxLanes) continue;
                    long extra = reached(gi | gj, sets, weights) * (li + lj + ELEMENT_OVERHEAD)
                            - reached(gi, sets, weights) * (li + ELEMENT_OVERHEAD) - reached(gj, sets, weights) * (lj + ELEMENT_OVERHEAD);
                    if (mustShrink ? extra < best : -extra > best) {
                        best = mustShrink ? extra : -extra;
                        bi = i;
                        bj = j;
                    }
                }
            if (bi < 0) break;
            groups.set(bi, groups.get(bi) | groups.remove(bj));
        }
        if (groups.size() > maxChunks) return null;
        int[][] chunks = new int[groups.size()][];
        for (int i = 0; i < chunks.length; i++) {
            long g = groups.get(i);
            chunks[i] = new int[Long.bitCount(g)];
            for (int l = 0; g != 0; l++, g &= g - 1) chunks[i][l] = Long.numberOfTrailingZeros(g);
        }
        // chunks in the order of their first colour: the plan does not depend on the merge order
        Arrays.sort(chunks, (x, y) -> Integer.compare(x[0], y[0]));
        return chunks;
    }

    /** The summed weight of the values some colour of {@code group} reaches. */
    private static long reached(long group, long[] sets, long[] weights) {
        long total = 0;
        for (int i = 0; i < sets.length; i++) if ((sets[i] & group) != 0) total += weights[i];
        return total;
    }
}
