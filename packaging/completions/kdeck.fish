# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kdeck_global_optspecs
    string join \n kubeconfig= context= n/namespace= A/all-namespaces readonly= ascii demo theme= keymap= monitor= command= trace-frames= log-level= h/help V/version
end

function __fish_kdeck_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kdeck_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kdeck_using_subcommand
    set -l cmd (__fish_kdeck_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kdeck -n "__fish_kdeck_needs_command" -l kubeconfig -d 'Kubeconfig file (default: $KUBECONFIG, merged as kubectl does, then ~/.kube/config)' -r -F
complete -c kdeck -n "__fish_kdeck_needs_command" -l context -d 'Kubeconfig context to use (default: the current context)' -r
complete -c kdeck -n "__fish_kdeck_needs_command" -s n -l namespace -d 'Namespace to show (default: the context\'s namespace)' -r
complete -c kdeck -n "__fish_kdeck_needs_command" -l readonly -d 'Never change the cluster: every mutating key and request is refused' -r -f -a "true\t''
false\t''"
complete -c kdeck -n "__fish_kdeck_needs_command" -l theme -d 'Theme name (dark, light, 16color, ...) or a theme file' -r
complete -c kdeck -n "__fish_kdeck_needs_command" -l keymap -d 'Keymap name (default, vim, arrows) or a keymap file' -r
complete -c kdeck -n "__fish_kdeck_needs_command" -l monitor -d 'Open the monitoring cockpit, read-only: the Deployments named (comma-separated, `name` or `namespace/name`) or all in the namespace, with rollout state, pod health and recent warnings, live without a key press' -r
complete -c kdeck -n "__fish_kdeck_needs_command" -l command -d 'The pane to open on, as a `:` command (e.g. `deploy`, `po`)' -r
complete -c kdeck -n "__fish_kdeck_needs_command" -l trace-frames -d 'Record frame render times and input latency to FILE (for the performance scripts)' -r -F
complete -c kdeck -n "__fish_kdeck_needs_command" -l log-level -d 'How much to write to the log file (`kdeck sim`: to stderr)' -r -f -a "off\t'Nothing; no log file is opened'
error\t'Failures only'
warn\t'Failures and what looks wrong (refused requests, retried watches)'
info\t'Also every change sent to the cluster'
debug\t'Also watch and request details'
trace\t'Everything, including the libraries\' internals'"
complete -c kdeck -n "__fish_kdeck_needs_command" -s A -l all-namespaces -d 'Show all namespaces'
complete -c kdeck -n "__fish_kdeck_needs_command" -l ascii -d 'Draw with ASCII only (borders, bars, arrows), for terminals without UTF-8. The default when the locale (LC_ALL, LC_CTYPE, LANG) names another charset or is C/POSIX'
complete -c kdeck -n "__fish_kdeck_needs_command" -l demo -d 'Start the embedded demo cluster in-process and show it'
complete -c kdeck -n "__fish_kdeck_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdeck -n "__fish_kdeck_needs_command" -s V -l version -d 'Print version'
complete -c kdeck -n "__fish_kdeck_needs_command" -f -a "sim" -d 'Serve the embedded Kubernetes cluster on loopback and write a kubeconfig for it'
complete -c kdeck -n "__fish_kdeck_needs_command" -f -a "config" -d 'The config file: where it is, and a commented default with every key'
complete -c kdeck -n "__fish_kdeck_needs_command" -f -a "completions" -d 'Print a shell completion script (e.g. `kdeck completions bash > /etc/bash_completion.d/kdeck`)'
complete -c kdeck -n "__fish_kdeck_needs_command" -f -a "man" -d 'Print the man page (roff) on stdout (e.g. `kdeck man | man -l -`)'
complete -c kdeck -n "__fish_kdeck_needs_command" -f -a "theme" -d 'Themes: import a k9s skin'
complete -c kdeck -n "__fish_kdeck_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdeck -n "__fish_kdeck_using_subcommand sim" -l addr -d 'Address to listen on (loopback by default; port 0 picks a free port)' -r
complete -c kdeck -n "__fish_kdeck_using_subcommand sim" -l write-kubeconfig -d 'Where to write the kubeconfig for this cluster' -r -F
complete -c kdeck -n "__fish_kdeck_using_subcommand sim" -l scenario -d 'The objects the cluster starts with' -r -f -a "seed\t'The tutorials\' objects: myapp-deploy, hello-deploy, testqc, dnsutil-rs, ...'
scale\t'Many namespaces, deployments and pods, with churn, for benchmarks'
empty\t'Only the namespaces and nodes of a fresh cluster'"
complete -c kdeck -n "__fish_kdeck_using_subcommand sim" -l speed -d 'Simulated seconds per real second (readiness delays, minReadySeconds, grace periods)' -r
complete -c kdeck -n "__fish_kdeck_using_subcommand sim" -l namespaces -d '`scale` scenario: number of namespaces' -r
complete -c kdeck -n "__fish_kdeck_using_subcommand sim" -l deployments -d '`scale` scenario: number of deployments (spread over the namespaces)' -r
complete -c kdeck -n "__fish_kdeck_using_subcommand sim" -l pods -d '`scale` scenario: total number of pods' -r
complete -c kdeck -n "__fish_kdeck_using_subcommand sim" -l churn -d '`scale` scenario: pod status updates per second' -r
complete -c kdeck -n "__fish_kdeck_using_subcommand sim" -l seed -d 'Draw the random parts of names (pod suffixes, IDs) from this seed, so that runs make the same objects (for screenshots and snapshot tests)' -r
complete -c kdeck -n "__fish_kdeck_using_subcommand sim" -l server-version -d 'The Kubernetes release to stand for, 1.20 to 1.33: its /version and the API versions it served (EndpointSlices and CronJobs in v1beta1 on 1.20, no aggregated discovery before 1.27...)' -r
complete -c kdeck -n "__fish_kdeck_using_subcommand sim" -l kubeconfig -d 'Kubeconfig file (default: $KUBECONFIG, merged as kubectl does, then ~/.kube/config)' -r -F
complete -c kdeck -n "__fish_kdeck_using_subcommand sim" -l log-level -d 'How much to write to the log file (`kdeck sim`: to stderr)' -r -f -a "off\t'Nothing; no log file is opened'
error\t'Failures only'
warn\t'Failures and what looks wrong (refused requests, retried watches)'
info\t'Also every change sent to the cluster'
debug\t'Also watch and request details'
trace\t'Everything, including the libraries\' internals'"
complete -c kdeck -n "__fish_kdeck_using_subcommand sim" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and not __fish_seen_subcommand_from path default help" -l kubeconfig -d 'Kubeconfig file (default: $KUBECONFIG, merged as kubectl does, then ~/.kube/config)' -r -F
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and not __fish_seen_subcommand_from path default help" -l log-level -d 'How much to write to the log file (`kdeck sim`: to stderr)' -r -f -a "off\t'Nothing; no log file is opened'
error\t'Failures only'
warn\t'Failures and what looks wrong (refused requests, retried watches)'
info\t'Also every change sent to the cluster'
debug\t'Also watch and request details'
trace\t'Everything, including the libraries\' internals'"
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and not __fish_seen_subcommand_from path default help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and not __fish_seen_subcommand_from path default help" -f -a "path" -d 'Print the config file\'s path'
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and not __fish_seen_subcommand_from path default help" -f -a "default" -d 'Print a commented default config: every key, its default and what it does'
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and not __fish_seen_subcommand_from path default help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and __fish_seen_subcommand_from path" -l kubeconfig -d 'Kubeconfig file (default: $KUBECONFIG, merged as kubectl does, then ~/.kube/config)' -r -F
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and __fish_seen_subcommand_from path" -l log-level -d 'How much to write to the log file (`kdeck sim`: to stderr)' -r -f -a "off\t'Nothing; no log file is opened'
error\t'Failures only'
warn\t'Failures and what looks wrong (refused requests, retried watches)'
info\t'Also every change sent to the cluster'
debug\t'Also watch and request details'
trace\t'Everything, including the libraries\' internals'"
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and __fish_seen_subcommand_from default" -l kubeconfig -d 'Kubeconfig file (default: $KUBECONFIG, merged as kubectl does, then ~/.kube/config)' -r -F
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and __fish_seen_subcommand_from default" -l log-level -d 'How much to write to the log file (`kdeck sim`: to stderr)' -r -f -a "off\t'Nothing; no log file is opened'
error\t'Failures only'
warn\t'Failures and what looks wrong (refused requests, retried watches)'
info\t'Also every change sent to the cluster'
debug\t'Also watch and request details'
trace\t'Everything, including the libraries\' internals'"
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and __fish_seen_subcommand_from default" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the config file\'s path'
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "default" -d 'Print a commented default config: every key, its default and what it does'
complete -c kdeck -n "__fish_kdeck_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdeck -n "__fish_kdeck_using_subcommand completions" -l kubeconfig -d 'Kubeconfig file (default: $KUBECONFIG, merged as kubectl does, then ~/.kube/config)' -r -F
complete -c kdeck -n "__fish_kdeck_using_subcommand completions" -l log-level -d 'How much to write to the log file (`kdeck sim`: to stderr)' -r -f -a "off\t'Nothing; no log file is opened'
error\t'Failures only'
warn\t'Failures and what looks wrong (refused requests, retried watches)'
info\t'Also every change sent to the cluster'
debug\t'Also watch and request details'
trace\t'Everything, including the libraries\' internals'"
complete -c kdeck -n "__fish_kdeck_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdeck -n "__fish_kdeck_using_subcommand man" -l kubeconfig -d 'Kubeconfig file (default: $KUBECONFIG, merged as kubectl does, then ~/.kube/config)' -r -F
complete -c kdeck -n "__fish_kdeck_using_subcommand man" -l log-level -d 'How much to write to the log file (`kdeck sim`: to stderr)' -r -f -a "off\t'Nothing; no log file is opened'
error\t'Failures only'
warn\t'Failures and what looks wrong (refused requests, retried watches)'
info\t'Also every change sent to the cluster'
debug\t'Also watch and request details'
trace\t'Everything, including the libraries\' internals'"
complete -c kdeck -n "__fish_kdeck_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdeck -n "__fish_kdeck_using_subcommand theme; and not __fish_seen_subcommand_from import help" -l kubeconfig -d 'Kubeconfig file (default: $KUBECONFIG, merged as kubectl does, then ~/.kube/config)' -r -F
complete -c kdeck -n "__fish_kdeck_using_subcommand theme; and not __fish_seen_subcommand_from import help" -l log-level -d 'How much to write to the log file (`kdeck sim`: to stderr)' -r -f -a "off\t'Nothing; no log file is opened'
error\t'Failures only'
warn\t'Failures and what looks wrong (refused requests, retried watches)'
info\t'Also every change sent to the cluster'
debug\t'Also watch and request details'
trace\t'Everything, including the libraries\' internals'"
complete -c kdeck -n "__fish_kdeck_using_subcommand theme; and not __fish_seen_subcommand_from import help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdeck -n "__fish_kdeck_using_subcommand theme; and not __fish_seen_subcommand_from import help" -f -a "import" -d 'Convert a k9s skin (YAML) into a kdeck theme, by default `<config dir>/kdeck/themes/NAME.toml`, then usable as `--theme NAME`'
complete -c kdeck -n "__fish_kdeck_using_subcommand theme; and not __fish_seen_subcommand_from import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdeck -n "__fish_kdeck_using_subcommand theme; and __fish_seen_subcommand_from import" -l name -d 'The theme\'s name (default: the skin file\'s name without extension)' -r
complete -c kdeck -n "__fish_kdeck_using_subcommand theme; and __fish_seen_subcommand_from import" -s o -l output -d 'Where to write the theme: a file, or `-` for stdout' -r -F
complete -c kdeck -n "__fish_kdeck_using_subcommand theme; and __fish_seen_subcommand_from import" -l kubeconfig -d 'Kubeconfig file (default: $KUBECONFIG, merged as kubectl does, then ~/.kube/config)' -r -F
complete -c kdeck -n "__fish_kdeck_using_subcommand theme; and __fish_seen_subcommand_from import" -l log-level -d 'How much to write to the log file (`kdeck sim`: to stderr)' -r -f -a "off\t'Nothing; no log file is opened'
error\t'Failures only'
warn\t'Failures and what looks wrong (refused requests, retried watches)'
info\t'Also every change sent to the cluster'
debug\t'Also watch and request details'
trace\t'Everything, including the libraries\' internals'"
complete -c kdeck -n "__fish_kdeck_using_subcommand theme; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdeck -n "__fish_kdeck_using_subcommand theme; and __fish_seen_subcommand_from help" -f -a "import" -d 'Convert a k9s skin (YAML) into a kdeck theme, by default `<config dir>/kdeck/themes/NAME.toml`, then usable as `--theme NAME`'
complete -c kdeck -n "__fish_kdeck_using_subcommand theme; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdeck -n "__fish_kdeck_using_subcommand help; and not __fish_seen_subcommand_from sim config completions man theme help" -f -a "sim" -d 'Serve the embedded Kubernetes cluster on loopback and write a kubeconfig for it'
complete -c kdeck -n "__fish_kdeck_using_subcommand help; and not __fish_seen_subcommand_from sim config completions man theme help" -f -a "config" -d 'The config file: where it is, and a commented default with every key'
complete -c kdeck -n "__fish_kdeck_using_subcommand help; and not __fish_seen_subcommand_from sim config completions man theme help" -f -a "completions" -d 'Print a shell completion script (e.g. `kdeck completions bash > /etc/bash_completion.d/kdeck`)'
complete -c kdeck -n "__fish_kdeck_using_subcommand help; and not __fish_seen_subcommand_from sim config completions man theme help" -f -a "man" -d 'Print the man page (roff) on stdout (e.g. `kdeck man | man -l -`)'
complete -c kdeck -n "__fish_kdeck_using_subcommand help; and not __fish_seen_subcommand_from sim config completions man theme help" -f -a "theme" -d 'Themes: import a k9s skin'
complete -c kdeck -n "__fish_kdeck_using_subcommand help; and not __fish_seen_subcommand_from sim config completions man theme help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdeck -n "__fish_kdeck_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the config file\'s path'
complete -c kdeck -n "__fish_kdeck_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "default" -d 'Print a commented default config: every key, its default and what it does'
complete -c kdeck -n "__fish_kdeck_using_subcommand help; and __fish_seen_subcommand_from theme" -f -a "import" -d 'Convert a k9s skin (YAML) into a kdeck theme, by default `<config dir>/kdeck/themes/NAME.toml`, then usable as `--theme NAME`'
