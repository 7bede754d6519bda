#if NETSTANDARD2_0
// Records and init-only setters on netstandard2.0 need this marker type.
namespace System.Runtime.CompilerServices;

internal static class IsExternalInit
{
}
#endif
