import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `map` on several threads, results in input order: each worker takes the next index from a
/// shared counter (files differ in cost by a thousand times, so fixed strides would leave a core
/// idle) and writes its own slot. With one worker, or too few items to pay for a thread, it is
/// the plain `map`, on this thread.
enum ParallelMap {
    /// Online processors.
    static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Below this many items a second thread costs more than it saves.
    static let minimumItems = 4

    static func map<T, R>(_ items: [T], workers: Int, _ transform: (T) -> R) -> [R] {
        let n = items.count
        let threads = min(max(1, workers), n)
        guard threads > 1, n >= minimumItems else { return items.map(transform) }
        let slots = UnsafeMutableBufferPointer<R?>.allocate(capacity: n)
        slots.initialize(repeating: nil)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        let next = Atomic<Int>(0)
        withoutActuallyEscaping(transform) { transform in
            let box = Unchecked(items: items, slots: slots, transform: transform)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while true {
                    let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard i < n else { return }
                    // Each index is taken once, so each slot has one writer; concurrentPerform
                    // returns after every worker has, which orders the writes before the reads.
                    box.slots[i] = box.transform(box.items[i])
                }
            }
        }
        var out: [R] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            if let r = slots[i] { out.append(r) }
        }
        return out
    }

    /// What the workers share: the inputs (read only), the slots (one writer each) and the
    /// transform (the caller promises it is safe to call from several threads at once).
    struct Unchecked<T, R>: @unchecked Sendable {
        let items: [T]
        let slots: UnsafeMutableBufferPointer<R?>
        let transform: (T) -> R
    }
}
