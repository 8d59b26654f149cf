package commands

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

func newCompletionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		ArgsUsage: "bash|zsh|fish",
		Description: "bash: source <(crane-migrate completion bash)\n" +
			"zsh:  source <(crane-migrate completion zsh)\n" +
			"fish: crane-migrate completion fish > ~/.config/fish/completions/crane-migrate.fish",
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, "SHELL"); err != nil {
				return err
			}
			prog := strings.ReplaceAll(c.App.Name, " ", "-")
			switch c.Args().First() {
			case "bash":
				fmt.Fprintf(c.App.Writer, bashCompletion, prog, prog, prog)
			case "zsh":
				fmt.Fprintf(c.App.Writer, "#compdef %s\nautoload -U bashcompinit && bashcompinit\n", prog)
				fmt.Fprintf(c.App.Writer, bashCompletion, prog, prog, prog)
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				fmt.Fprint(c.App.Writer, s)
			default:
				return usagef("completion: unknown shell %q (bash, zsh or fish)", c.Args().First())
			}
			return nil
		},
	}
}

// bashCompletion asks the binary itself (urfave/cli's
// --generate-bash-completion) for the words that fit, so commands and flags
// added later complete without a new script.
const bashCompletion = `_%[1]s_complete() {
  local cur words
  cur="${COMP_WORDS[COMP_CWORD]}"
  if [[ "$cur" == -* ]]; then
    words=$(${COMP_WORDS[@]:0:$COMP_CWORD} "$cur" --generate-bash-completion 2>/dev/null)
  else
    words=$(${COMP_WORDS[@]:0:$COMP_CWORD} --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _%[2]s_complete %[3]s
`
