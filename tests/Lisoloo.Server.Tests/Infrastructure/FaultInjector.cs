using System.Reflection;

namespace Lisoloo.Server.Tests.Infrastructure;

/// <summary>
/// Wraps a store interface so that the first <c>failures</c> calls of the named methods throw, as a store that is down,
/// read-only or out of disk would; every other call goes to the real store.
/// </summary>
public class FaultInjector<T> : DispatchProxy
    where T : class
{
    private T _inner = null!;
    private HashSet<string> _methods = null!;
    private int _left;
    private int _thrown;
    private int _calls;

    /// <summary>Gets how many calls threw.</summary>
    public int Thrown => Volatile.Read(ref _thrown);

    /// <summary>Gets how many calls of the named methods arrived, failed or not.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public static (T Proxy, FaultInjector<T> Injector) Wrap(T inner, int failures, params string[] methods)
    {
        var proxy = Create<T, FaultInjector<T>>();
        var injector = (FaultInjector<T>)(object)proxy;
        injector._inner = inner;
        injector._methods = [.. methods];
        injector._left = failures;
        return (proxy, injector);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (_methods.Contains(targetMethod.Name))
        {
            Interlocked.Increment(ref _calls);
            if (Interlocked.Decrement(ref _left) >= 0)
            {
                Interlocked.Increment(ref _thrown);
                throw new IOException($"injected: the store is unavailable ({targetMethod.Name})");
            }
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }
}
