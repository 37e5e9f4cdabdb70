/// Access points into a gzip stream, recorded while the stream is read forward once (the method
/// of zlib's examples/zran.c): at a deflate block boundary, the decompressed offset, the
/// compressed offset, the bits of the last compressed byte the block boundary falls inside, and
/// the last 32 KiB of output (deflate's window). A later read of decompressed offset X resumes
/// at the last point at or before X (`DecompressingStream(resuming:)`) instead of decompressing
/// the stream again from its start: it decompresses at most about `span` bytes to get there.
///
/// Memory is bounded by the `IndexBudget` shared by the indexes of one image: when a new point
/// would exceed it, the densest index drops every other point (its span doubles). Built on one
/// thread (the pass over a layer), then only read (under the image content's lock).
public final class GzipIndex: @unchecked Sendable {
    public struct Point: Sendable {
        /// Decompressed offset of the point.
        public var out: UInt64
        /// Offset in the compressed stream of the first byte not wholly consumed.
        public var input: UInt64
        /// Bits of the byte before `input` that belong to the next block (0–7): with bits > 0,
        /// decoding resumes at `input - 1` with those bits primed.
        public var bits: Int32
        /// The 32 KiB (or fewer, near a member's start) that precede `out`.
        public var window: [UInt8]
    }

    /// The default distance between points, in decompressed bytes.
    public static let defaultSpan: UInt64 = 1 << 20

    public private(set) var points: [Point] = []
    public private(set) var span: UInt64
    let budget: IndexBudget

    public init(span: UInt64 = GzipIndex.defaultSpan, budget: IndexBudget) {
        self.span = Swift.max(span, 1)
        self.budget = budget
        budget.indexes.append(Weak(self))
    }

    /// True when a point at `out` is far enough from the last one.
    func wants(_ out: UInt64) -> Bool {
        guard let last = points.last else { return true }
        return out >= last.out &+ span
    }

    /// Adds a point (its offsets increase), within the budget.
    func add(_ p: Point) {
        guard wants(p.out) else { return }
        let cost = p.window.count + MemoryLayout<Point>.stride
        while budget.used + cost > budget.maxBytes {
            guard let densest = budget.densest() else { return }
            densest.thin()
            guard wants(p.out) else { return }
        }
        budget.used += cost
        points.append(p)
    }

    /// Keeps every other point (the first always), doubling the span.
    func thin() {
        var kept: [Point] = []
        kept.reserveCapacity(points.count / 2 + 1)
        for (i, p) in points.enumerated() {
            if i % 2 == 0 { kept.append(p) } else { budget.used -= p.window.count + MemoryLayout<Point>.stride }
        }
        points = kept
        span = span &* 2
    }

    /// The last point at or before decompressed offset `offset`.
    public func point(atOrBefore offset: UInt64) -> Point? {
        var lo = 0, hi = points.count   // first index with out > offset
        while lo < hi {
            let mid = (lo + hi) / 2
            if points[mid].out <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 ? points[lo - 1] : nil
    }

    /// Bytes held by the points' windows.
    public var windowBytes: Int { points.reduce(0) { $0 + $1.window.count } }
}

/// The memory the access-point indexes of one image may hold together.
public final class IndexBudget: @unchecked Sendable {
    /// 8 MiB: 256 windows of 32 KiB, whatever the image's size (a few hundred MB of layers gets
    /// a point every 1–2 MB; a 20 GB image one every 80 MB).
    public static let defaultMaxBytes = 8 << 20

    public let maxBytes: Int
    public fileprivate(set) var used = 0
    fileprivate var indexes: [Weak] = []

    public init(maxBytes: Int = IndexBudget.defaultMaxBytes) {
        self.maxBytes = maxBytes
    }

    /// Of the indexes that can still drop a point, the one with the smallest span (the most
    /// points at equal spans).
    fileprivate func densest() -> GzipIndex? {
        indexes.removeAll { $0.index == nil }
        return indexes.compactMap(\.index).filter { $0.points.count > 1 }.min { a, b in
            a.span != b.span ? a.span < b.span : a.points.count > b.points.count
        }
    }
}

fileprivate struct Weak {
    weak var index: GzipIndex?
    init(_ index: GzipIndex) { self.index = index }
}
