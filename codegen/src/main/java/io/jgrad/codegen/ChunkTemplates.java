package io.jgrad.codegen;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.objectweb.asm.Opcodes.*;

/**
 * Chunks of one body in one class, recorded instead of written, so that chunks equal up to
 * their int constants share one method (a template) called once per instance (issue 12). An
 * unrolled recurrence (the LSTM: thousands of steps) gives thousands of chunks each called
 * once per evaluation: HotSpot leaves every one in C1's profiling tier (C2 after ~5,000 calls).
 * A template is called once per instance, so it is hot after a few evaluations.
 *
 * <p>The key of a chunk is its instruction list with labels numbered in order and every int
 * constant (ICONST, BIPUSH, SIPUSH, LDC Integer) a placeholder: spill slots, workspace and
 * input offsets are what differs between the steps of a recurrence. Everything else (opcodes,
 * locals, fields and methods, float and double constants by their bits, IINC amounts) is part
 * of the key, so a template runs exactly the instructions of each instance: the same bits. An
 * int constant equal in every instance stays literal; the others are read from the template's
 * {@code int[]} table at {@code TABLE[rowBase + column]}, rowBase passed by the driver as one
 * more int argument (local 6: the body's own locals move up one slot).
 */
final class ChunkTemplates {
    /** {@code -Djgrad.chunkTemplates=false}: every chunk written as its own method (read once). */
    static final boolean DEFAULT = !"false".equals(System.getProperty("jgrad.chunkTemplates"));
    /** The switch the emitters read: tests compare both settings in one JVM. */
    static volatile boolean enabled = DEFAULT;

    /** The argument slot of rowBase in a template: right after the body parameters. */
    private static final int ROW = 6;

    private final ClassGen owner;
    /** Chunks by key, in the order of their first instance. */
    private final Map<String, Group> groups = new LinkedHashMap<>();
    /** Constant-pool items the pending chunks refer to (for the class's size estimate). */
    private final Set<Object> refs = new HashSet<>();

    /** Chunks with one key: the first instance's instructions, and every instance's int constants. */
    private static final class Group {
        final MethodNode first;
        final List<String> names = new ArrayList<>();
        final List<int[]> ints = new ArrayList<>();
        /** The instances' bytecode size (an upper estimate, {@link SizeCounter}). */
        final int bytes;

        Group(MethodNode first, int bytes) {
            this.first = first;
            this.bytes = bytes;
        }
    }

    ChunkTemplates(ClassGen owner) {
        this.owner = owner;
    }

    /** The method node a chunk called {@code method} is recorded into. */
    MethodNode start(String method) {
        return new MethodNode(Opcodes.ASM9, ACC_PRIVATE | ACC_STATIC, method, owner.bodyDesc, null, null);
    }

    /** A chunk is complete: shared with an earlier one of equal key, or kept as a new one. */
    void end(MethodNode m, int bytes) {
        List<Integer> ints = new ArrayList<>();
        String key = key(m.instructions, ints);
        if (key == null) {   // an instruction this class does not canonicalise: its own method, now
            owner.addMethod(m);
            return;
        }
        Group g = groups.get(key);
        if (g == null) {
            g = new Group(m, bytes);
            groups.put(key, g);
            estimatePool(m);
        }
        g.names.add(m.name);
        int[] row = new int[ints.size()];
        for (int i = 0; i < row.length; i++) row[i] = ints.get(i);
        g.ints.add(row);
        owner.pendingChunks++;
    }

    /**
     * Writes the recorded chunks into the class: one method per key, a template where the key has
     * several instances. Puts the method each chunk's call goes to into {@code calls}, by chunk name.
     */
    /** {@code -Djgrad.chunkTemplates.debug=true}: each flush prints its keys' instance counts and sizes (instances/instructions). */
    static final boolean DEBUG = Boolean.getBoolean("jgrad.chunkTemplates.debug");

    void flush(Map<String, ClassGen.Method> calls) {
        if (DEBUG) {
            StringBuilder sb = new StringBuilder("flush " + owner.name + ":");
            for (Group g : groups.values()) sb.append(' ').append(g.names.size()).append('/').append(g.first.instructions.size());
            System.err.println(sb);
        }
        for (Group g : groups.values()) {
            if (g.names.size() == 1) {
                owner.addMethod(g.first);
                calls.put(g.first.name, new ClassGen.Method(owner, g.first.name));
                continue;
            }
            int[] first = g.ints.get(0);
            int[] column = new int[first.length];   // table column of each constant, -1: literal
            int columns = 0;
            for (int j = 0; j < first.length; j++) {
                column[j] = -1;
                for (int[] r : g.ints) {
                    if (r[j] != first[j]) {
                        column[j] = columns++;
                        break;
                    }
                }
            }
            if (g.bytes + TABLE_READ_BYTES * columns > templateLimit) {
                // the table reads would take the template past what HotSpot compiles: one method per instance
                for (int r = 0; r < g.names.size(); r++) {
                    owner.addMethod(instance(g.first, g.names.get(r), g.ints.get(r)));
                    calls.put(g.names.get(r), new ClassGen.Method(owner, g.names.get(r)));
                }
                continue;
            }
            if (columns == 0) {
                owner.addMethod(g.first);
                for (String n : g.names) calls.put(n, new ClassGen.Method(owner, g.first.name));
                continue;
            }
            int[] table = new int[g.ints.size() * columns];
            for (int r = 0; r < g.ints.size(); r++)
                for (int j = 0; j < first.length; j++)
                    if (column[j] >= 0) table[r * columns + column[j]] = g.ints.get(r)[j];
            template(g.first, column, owner.tableField(table));
            owner.addMethod(g.first);
            owner.templates++;
            for (int r = 0; r < g.names.size(); r++) calls.put(g.names.get(r), new ClassGen.Method(owner, g.first.name, r * columns));
        }
        groups.clear();
        refs.clear();
        owner.pendingChunks = 0;
        owner.pendingPool = 0;
    }

    /** A template stays under this many bytes (HotSpot's compile limit); tests lower it to reach the fallback. */
    static int templateLimit = BodyEmitter.JIT_METHOD_LIMIT;

    /** Bytes a table read adds at most in place of an int constant: getstatic, iload, bipush/sipush, iadd, iaload, less the constant's own byte. */
    static final int TABLE_READ_BYTES = 9;

    /** Instance {@code name} of a key: {@code first}'s instructions with its own int constants. */
    private MethodNode instance(MethodNode first, String name, int[] ints) {
        MethodNode m = start(name);
        first.accept(m);
        m.name = name;
        int j = 0;
        InsnList insns = m.instructions;
        for (AbstractInsnNode in = insns.getFirst(); in != null; ) {
            AbstractInsnNode next = in.getNext();
            if (intConstant(in) != null) {
                insns.set(in, iconst(ints[j++]));
            }
            in = next;
        }
        return m;
    }

    /**
     * Makes {@code m} the template: its locals move up one slot for rowBase, and int constant j
     * with {@code column[j] >= 0} becomes {@code table[rowBase + column[j]]}.
     */
    private void template(MethodNode m, int[] column, String tableField) {
        m.desc = owner.templateDesc;
        int j = 0;
        InsnList insns = m.instructions;
        for (AbstractInsnNode in = insns.getFirst(); in != null; ) {
            AbstractInsnNode next = in.getNext();
            if (in instanceof VarInsnNode v && v.var >= ROW) v.var++;
            else if (in instanceof IincInsnNode v && v.var >= ROW) v.var++;
            else if (intConstant(in) != null) {
                int c = column[j++];
                if (c >= 0) {
                    InsnList load = new InsnList();
                    load.add(new FieldInsnNode(GETSTATIC, owner.name, tableField, "[I"));
                    load.add(new VarInsnNode(ILOAD, ROW));
                    if (c > 0) {
                        load.add(iconst(c));
                        load.add(new InsnNode(IADD));
                    }
                    load.add(new InsnNode(IALOAD));
                    insns.insert(in, load);
                    insns.remove(in);
                }
            }
            in = next;
        }
    }

    private static AbstractInsnNode iconst(int i) {
        if (i >= -1 && i <= 5) return new InsnNode(ICONST_0 + i);
        if (i >= Byte.MIN_VALUE && i <= Byte.MAX_VALUE) return new IntInsnNode(BIPUSH, i);
        if (i >= Short.MIN_VALUE && i <= Short.MAX_VALUE) return new IntInsnNode(SIPUSH, i);
        return new LdcInsnNode(i);
    }

    /** The int an instruction pushes as a constant, or null. */
    private static Integer intConstant(AbstractInsnNode in) {
        int op = in.getOpcode();
        if (op >= ICONST_M1 && op <= ICONST_5) return op - ICONST_0;
        if ((op == BIPUSH || op == SIPUSH) && in instanceof IntInsnNode i) return i.operand;
        if (in instanceof LdcInsnNode l && l.cst instanceof Integer i) return i;
        return null;
    }

    /**
     * The canonical text of an instruction list, its int constants (in order) appended to
     * {@code ints}; null when it holds an instruction kind generated code does not use.
     */
    static String key(InsnList insns, List<Integer> ints) {
        StringBuilder k = new StringBuilder(insns.size() * 6);
        Map<LabelNode, Integer> labels = new HashMap<>();
        for (AbstractInsnNode in = insns.getFirst(); in != null; in = in.getNext()) {
            Integer c = intConstant(in);
            if (c != null) {
                ints.add(c);
                k.append('#');
                continue;
            }
            if (in instanceof LabelNode l) k.append('L').append(labels.computeIfAbsent(l, x -> labels.size()));
            else if (in instanceof JumpInsnNode j) k.append('J').append(j.getOpcode()).append(',').append(labels.computeIfAbsent(j.label, x -> labels.size()));
            else if (in instanceof InsnNode i) k.append('i').append(i.getOpcode());
            else if (in instanceof IntInsnNode i) k.append('n').append(i.getOpcode()).append(',').append(i.operand);
            else if (in instanceof VarInsnNode v) k.append('v').append(v.getOpcode()).append(',').append(v.var);
            else if (in instanceof IincInsnNode v) k.append('+').append(v.var).append(',').append(v.incr);
            else if (in instanceof TypeInsnNode t) k.append('t').append(t.getOpcode()).append(',').append(t.desc);
            else if (in instanceof FieldInsnNode f) k.append('f').append(f.getOpcode()).append(',').append(f.owner).append('.').append(f.name).append(':').append(f.desc);
            else if (in instanceof MethodInsnNode mi) k.append('m').append(mi.getOpcode()).append(',').append(mi.owner).append('.').append(mi.name).append(mi.desc).append(mi.itf);
            else if (in instanceof LdcInsnNode l && l.cst instanceof Float f) k.append("cF").append(Float.floatToRawIntBits(f));
            else if (in instanceof LdcInsnNode l && l.cst instanceof Double d) k.append("cD").append(Double.doubleToRawLongBits(d));
            else if (in instanceof LdcInsnNode l && l.cst instanceof Long x) k.append("cJ").append(x);
            else if (in instanceof LdcInsnNode l && l.cst instanceof String t) k.append("cS").append(t.length()).append(':').append(t);
            else if (in instanceof LdcInsnNode l && l.cst instanceof Type t) k.append("cT").append(t.getDescriptor());
            else return null;
            k.append(';');
        }
        return k.toString();
    }

    /** Adds a new chunk's constant-pool cost to its class's estimate: its name, and every item no pending chunk refers to yet. */
    private void estimatePool(MethodNode m) {
        int entries = 3;   // name, and the driver's method ref and name-and-type
        for (AbstractInsnNode in = m.instructions.getFirst(); in != null; in = in.getNext()) {
            Object item = in instanceof FieldInsnNode f ? f.owner + "." + f.name
                    : in instanceof MethodInsnNode mi ? mi.owner + "." + mi.name + mi.desc
                    : in instanceof TypeInsnNode t ? t.desc
                    : in instanceof LdcInsnNode l ? l.cst
                    : null;
            // a field or method ref: the ref, name-and-type, name, descriptor, class; a constant: itself and its text
            if (item != null && refs.add(item)) entries += in instanceof LdcInsnNode || in instanceof TypeInsnNode ? 2 : 5;
        }
        owner.pendingPool += entries;
    }
}
