import Archive

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A program's standard output as a byte stream: `docker save NAME:TAG` or
/// `podman save --format docker-archive NAME`, started with posix_spawn (no shell), its stdout
/// a pipe read as it comes (never copied to a file), its stdin /dev/null, its stderr a pipe of
/// which the last 4 KiB are kept for the error message.
///
/// `finish()` waits for the program and turns a non-zero exit into an error naming the command
/// and the last line it printed on stderr; `cancel()` (or the last reference going) closes the
/// pipe and ends the program by its pid (SIGTERM after the pipe closes) when it is still running.
final class CommandStream: ByteStream {
    let name: String
    private(set) var position: UInt64 = 0
    /// The command as shown in messages (`docker save app:latest`).
    let commandLine: String
    private let pid: pid_t
    private var outFD: Int32
    private var errFD: Int32
    private var tail: [UInt8] = []
    private var status: Int32?
    /// The program closed its stdout (a read returned 0).
    private var sawEOF = false
    private static let tailBytes = 4096

    /// The absolute path of `tool` on `searchPath` (`PATH` as the environment gives it), or nil.
    static func find(_ tool: String, searchPath: String) -> String? {
        if tool.contains("/") { return access(tool, X_OK) == 0 ? tool : nil }
        for dir in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let d = dir.isEmpty ? "." : String(dir)
            let p = d + "/" + tool
            var st = stat()
            if stat(p, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(p, X_OK) == 0 { return p }
        }
        return nil
    }

    /// Starts `tool args…`, found on the environment's PATH, with that environment.
    init(tool: String, arguments: [String], environment: [String: String]) throws(ImageError) {
        let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        commandLine = ([tool] + arguments).joined(separator: " ")
        name = "the output of `\(commandLine)`"
        guard let exe = CommandStream.find(tool, searchPath: searchPath) else {
            throw ImageError(.notFound, "cannot run `\(commandLine)`: \(tool) is not on PATH (\(searchPath))")
        }
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard makePipe(&outPipe) else {
            throw ImageError(.unsupported, "cannot run `\(commandLine)`: pipe: \(String(cString: strerror(errno)))")
        }
        guard makePipe(&errPipe) else {
            close(outPipe[0]); close(outPipe[1])
            throw ImageError(.unsupported, "cannot run `\(commandLine)`: pipe: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

        let argv: [UnsafeMutablePointer<CChar>?] = ([exe] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { strdup($0.key + "=" + $0.value) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var child: pid_t = 0
        var rc = posix_spawn(&child, exe, &actions, nil, argv, envp)
        // ETXTBSY: a script just written is still open for writing in a child another thread
        // forked meanwhile; it closes at that child's exec. Go's os/exec tests retry alike.
        var tries = 0
        while rc == ETXTBSY, tries < 50 {
            tries += 1
            usleep(20_000)
            rc = posix_spawn(&child, exe, &actions, nil, argv, envp)
        }
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(outPipe[0]); close(errPipe[0])
            throw ImageError(.unsupported, "cannot run `\(commandLine)` (\(exe)): \(String(cString: strerror(rc)))")
        }
        pid = child
        outFD = outPipe[0]
        errFD = errPipe[0]
    }

    deinit { cancel() }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty, outFD >= 0 else { return 0 }
        while true {
            var fds = [pollfd(fd: outFD, events: Int16(POLLIN), revents: 0)]
            if errFD >= 0 { fds.append(pollfd(fd: errFD, events: Int16(POLLIN), revents: 0)) }
            let r = poll(&fds, nfds_t(fds.count), -1)
            if r < 0 {
                if errno == EINTR { continue }
                throw ArchiveError(location: name, offset: position, problem: "poll failed: \(String(cString: strerror(errno)))")
            }
            if fds.count > 1, fds[1].revents != 0 { drainStderr() }
            if fds[0].revents != 0 {
                let n = sysRead(outFD, base, buffer.count)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    throw ArchiveError(location: name, offset: position, problem: "read failed: \(String(cString: strerror(errno)))")
                }
                if n == 0 { sawEOF = true }
                position += UInt64(n)
                return n
            }
        }
    }

    // Reads what stderr has (one read), keeping the last bytes; closes it at its end.
    private func drainStderr() {
        guard errFD >= 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { b in b.baseAddress.map { sysRead(errFD, $0, b.count) } ?? 0 }
        if n <= 0 {
            if n == 0 || (errno != EINTR && errno != EAGAIN) { close(errFD); errFD = -1 }
            return
        }
        tail.append(contentsOf: chunk[0..<n])
        if tail.count > CommandStream.tailBytes { tail.removeFirst(tail.count - CommandStream.tailBytes) }
    }

    /// The last non-empty line the program wrote on stderr.
    var lastErrorLine: String? {
        let lines = String(decoding: tail, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" })
        return lines.last(where: { !$0.allSatisfy(\.isWhitespace) }).map(String.init)
    }

    /// Waits for the program (reading its stderr to the end) and returns its wait status.
    private func reap() -> Int32 {
        if let status { return status }
        while errFD >= 0 { drainStderr() }
        var st: Int32 = 0
        while waitpid(pid, &st, 0) < 0, errno == EINTR {}
        status = st
        return st
    }

    /// The failure of the program, if it failed: its exit status or signal and its last stderr line.
    func failure() -> ImageError? {
        let st = reap()
        let exited = st & 0x7f == 0
        let code = (st >> 8) & 0xff
        if exited && code == 0 { return nil }
        let how = exited ? "exit status \(code)" : "signal \(st & 0x7f)"
        let line = lastErrorLine.map { ": \($0)" } ?? ""
        return ImageError(.notFound, "`\(commandLine)` failed (\(how))\(line)")
    }

    /// After reading failed: the program's failure when it has closed its output (it is
    /// ending: wait for it); otherwise it is ended and nil returned (the read's error is the one
    /// to report).
    func failureAfterError() -> ImageError? {
        guard sawEOF else {
            cancel()
            return nil
        }
        return failure()
    }

    /// After the archive's end: reads what is left of stdout (at most `drainCap` bytes), then
    /// waits; a failure of the program is the error.
    func finish(drainCap: UInt64 = 1 << 20) throws(ImageError) {
        var scratch = [UInt8](repeating: 0, count: 64 << 10)
        var drained: UInt64 = 0
        while outFD >= 0, drained < drainCap {
            let n: Int
            do { n = try scratch.withUnsafeMutableBytes { b throws(ArchiveError) in try read(into: b) } } catch { break }
            if n == 0 { break }
            drained += UInt64(n)
        }
        if outFD >= 0 { close(outFD); outFD = -1 }
        if drained >= drainCap { kill(pid, SIGTERM) }
        if let f = failure(), drained < drainCap { throw f }
    }

    /// Stops reading: closes the pipe (the program gets SIGPIPE on its next write), ends it
    /// by its pid if it is still running, and reaps it.
    func cancel() {
        if outFD >= 0 { close(outFD); outFD = -1 }
        if status == nil {
            var st: Int32 = 0
            if waitpid(pid, &st, WNOHANG) == pid {
                status = st
            } else {
                kill(pid, SIGTERM)
            }
        }
        if errFD >= 0 { close(errFD); errFD = -1 }
        _ = reap()
    }
}

/// read(2), named apart from the `read(into:)` methods.
func sysRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// pipe(2) with both ends close-on-exec (the child gets them only as its dup2'd 1 and 2).
private func makePipe(_ fds: inout [Int32]) -> Bool {
    guard pipe(&fds) == 0 else { return false }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return true
}
