using Lisoloo.Server.Carriers;
using Lisoloo.Server.Storage;

namespace Lisoloo.Server.Tests.Infrastructure;

/// <summary>For the tests' carriers, which answer a whole batch at once.</summary>
internal static class CarrierBatch
{
    /// <summary>One task per delivery from a task answering the whole batch in its order (see <see cref="ICarrier.Submit"/>).</summary>
    public static IReadOnlyList<Task<SubmitResult>> Each(Task<IReadOnlyList<SubmitResult>> whole, int count)
    {
        var tasks = new Task<SubmitResult>[count];
        for (var i = 0; i < count; i++)
        {
            var index = i;
            tasks[i] = whole.ContinueWith(t => t.GetAwaiter().GetResult()[index], CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return tasks;
    }
}
