pub struct Executor; pub struct ExecutorOptions;
