import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client is too slow to send its request: the head must be complete within `timeout` of
/// its first byte (or of the connection opening), and a body may not go silent for longer than `timeout` between two
/// parts. Between requests of a kept-alive connection the server's idle timeout applies instead.
///
/// Hummingbird puts additional handlers after HTTP decoding, where a half-sent head is invisible, so this handler
/// also places a small observer of raw bytes at the front of the pipeline, which starts the head timer when the
/// first byte of the next request arrives. A body is only timed while the server asks for more data (a request
/// handler that reads slowly applies back-pressure; that silence is not the client's). Both run on the channel's
/// event loop.
final class ReadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum State {
        /// Between requests, or before the first: the head timer starts with the first byte.
        case awaitingHead
        /// Part of a head has arrived.
        case readingHead
        /// The head has arrived, the end of the body has not.
        case readingBody
    }

    private let timeout: TimeAmount
    private var state = State.awaitingHead
    private var timer: Scheduled<Void>?
    /// Whether the server asked for data since the timer was armed (a `read` went out).
    private var readRequested = false

    init(timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        self.timeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        try? context.pipeline.syncOperations.addHandler(RawBytesObserver(owner: self), position: .first)
        if context.channel.isActive { startHead(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        startHead(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            state = .readingBody
            arm(context: context)
        case .body:
            if state == .readingBody { arm(context: context) }
        case .end:
            state = .awaitingHead
            cancel()
        }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        readRequested = true
        context.read()
    }

    /// The raw observer saw bytes: the first of a request starts its head timer.
    fileprivate func bytesArrived(context: ChannelHandlerContext) {
        if state == .awaitingHead { startHead(context: context) }
    }

    private func startHead(context: ChannelHandlerContext) {
        guard timer == nil else { return }
        state = .readingHead
        arm(context: context)
    }

    private func arm(context: ChannelHandlerContext) {
        cancel()
        readRequested = false
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            timer = nil
            // A body the server stopped asking for is waiting on the server, not on the client.
            if state == .readingBody && !readRequested && context.channel.isActive {
                arm(context: context)
                return
            }
            context.close(promise: nil)
        }
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
    }
}

/// Tells its ``ReadTimeoutHandler`` when raw bytes arrive, before HTTP decoding.
private final class RawBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private weak var owner: ReadTimeoutHandler?

    init(owner: ReadTimeoutHandler) {
        self.owner = owner
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owner?.bytesArrived(context: context)
        context.fireChannelRead(data)
    }
}
