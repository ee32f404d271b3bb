package io.interchange.engine.link;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The socket transport every link uses: Netty's native epoll on Linux, NIO elsewhere. Epoll wakes an event loop
 * through an eventfd and reads readiness without the selector's key sets, so a message costs fewer system calls
 * and wake-ups; its timers also fire to the microsecond, where NIO's select rounds to the millisecond (the load
 * generator's open loop depends on that).
 */
public final class Transport
{
    private static final boolean EPOLL = Epoll.isAvailable();

    private Transport()
    {
    }

    public static IoHandlerFactory ioHandlers()
    {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public static Class<? extends ServerChannel> serverChannel()
    {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> channel()
    {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** "epoll" or "nio", for logs. */
    public static String name()
    {
        return EPOLL ? "epoll" : "nio";
    }
}
