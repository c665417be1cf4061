using GenderML.Batch;

namespace GenderML.Tests.Batch;

public class ShardTests
{
    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("2/3", 2, 3)]
    [InlineData("9/10", 9, 10)]
    public void Parse_ReadsIndexAndCount(string text, int index, int count) =>
        Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("3/3")]
    [InlineData("0/0")]
    [InlineData("-1/2")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    [InlineData(" 1/2")]
    public void Parse_RefusesWhatIsNotAShard(string text) =>
        Assert.Contains("i/N", Assert.Throws<FormatException>(() => Shard.Parse(text)).Message);

    [Fact]
    public void Ranges_CoverEveryImageOnce_InOrder()
    {
        foreach (int total in new[] { 0, 1, 2, 7, 100, 1001 })
            foreach (int count in new[] { 1, 2, 3, 4, 7, 16 })
            {
                int next = 0;
                for (int i = 0; i < count; i++)
                {
                    var (start, length) = new Shard(i, count).Range(total);
                    Assert.Equal(next, start);
                    Assert.InRange(length, total / count, total / count + 1);
                    next += length;
                }
                Assert.Equal(total, next);
            }
    }

    [Fact]
    public void FromEnvironment_ReadsSlurmsArray()
    {
        var env = new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "2", ["SLURM_ARRAY_TASK_COUNT"] = "4" };
        Assert.Equal(new Shard(2, 4), Shard.FromEnvironment(env));
    }

    [Fact]
    public void FromEnvironment_ATaskResubmittedAlone_TakesTheGivenCount()
    {
        var env = new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "1", ["SLURM_ARRAY_TASK_COUNT"] = "1" };
        Assert.Equal(new Shard(1, 4), Shard.FromEnvironment(env, 4));
        Assert.Contains("resubmitted alone", Assert.Throws<FormatException>(() => Shard.FromEnvironment(env)).Message);
    }

    [Fact]
    public void FromEnvironment_ReadsKubernetesIndex_WithTheGivenCount()
    {
        var env = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "3" };
        Assert.Equal(new Shard(3, 5), Shard.FromEnvironment(env, 5));
        Assert.Contains("shard count", Assert.Throws<FormatException>(() => Shard.FromEnvironment(env)).Message);
        Assert.Contains("out of range", Assert.Throws<FormatException>(() => Shard.FromEnvironment(env, 3)).Message);
    }

    [Fact]
    public void FromEnvironment_WithoutAScheduler_SaysSo() =>
        Assert.Contains("SLURM_ARRAY_TASK_ID", Assert.Throws<FormatException>(() => Shard.FromEnvironment(new Dictionary<string, string>())).Message);
}
