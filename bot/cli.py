"""`bot`: the staff command. Check a change, train, evaluate, put the new model live, edit the directory.

Run `bot --help` or `bot <command> --help`. Every message is in English and French.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import textwrap
import warnings
from pathlib import Path

from bot.staff.project import Project

DESCRIPTION = textwrap.dedent("""\
    Keep the assistant current, safely. / Garder l'assistant à jour, en toute sécurité.

    Usual order after a change / Ordre habituel après un changement:
      bot check       find what is wrong, with file and line / trouver ce qui ne va pas (fichier et ligne)
      bot train       build a new model from the examples / construire un nouveau modèle
      bot evaluate    measure it against the accepted one / le mesurer contre celui accepté
      bot reload      put it in the running assistant / le mettre dans l'assistant en marche

    The service directory / Le répertoire des services:
      bot resources list | search WORDS | export FILE.csv | import FILE.csv

    Before a change / Avant un changement:
      bot try "MESSAGE"   the answer it would give, and why / la réponse qu'il donnerait, et pourquoi
      bot try --service ID   a service's text as users see it / le texte d'un service tel que vu

    Undo / Défaire:
      bot rollback    bring back the last accepted model / revenir au dernier modèle accepté
      bot restore-data   put data/ and domain.yml back as in the last commit / remettre les fichiers

    Prefer a web page? / Vous préférez une page web ?
      bot staff-page  edit services and answers, English | French / modifier services et réponses

    Step by step / Pas à pas: docs/staff-guide.md
    """)


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32, width=110)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bot", description=DESCRIPTION, formatter_class=_formatter)
    p.add_argument(
        "--project",
        type=Path,
        help="the project folder (default: the one you are in) / "
        "le dossier du projet (par défaut : celui où vous êtes)",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser(
        "check",
        formatter_class=_formatter,
        help="find what is wrong before training / trouver ce qui ne va pas avant d'entraîner",
        description="Check answers, buttons, channel texts, training examples and the service directory, "
        "in both languages. Says what is wrong, with the file and line.\n"
        "Vérifie les réponses, boutons, textes des canaux, exemples et le répertoire des "
        "services, dans les deux langues. Indique ce qui ne va pas, avec le fichier et la ligne.",
    )
    c.add_argument(
        "--language",
        choices=("en", "fr", "both"),
        default="both",
        help="language of the messages (default both) / langue des messages (par défaut les deux)",
    )
    c.add_argument(
        "--min-examples",
        type=int,
        default=None,
        help="examples needed per intent and language (default 10) / exemples requis par intention et langue",
    )
    c.add_argument(
        "--skip-rasa",
        action="store_true",
        help="skip Rasa's own check (faster) / sauter la vérification de Rasa (plus rapide)",
    )

    sub.add_parser(
        "train",
        formatter_class=_formatter,
        help="build a new model (a few minutes) / construire un nouveau modèle (quelques minutes)",
        description="Train a new model from the examples and answers. It goes to models/assistant.tar.gz; "
        "the previous one is kept.\nEntraîne un nouveau modèle. Il va dans "
        "models/assistant.tar.gz ; le précédent est gardé.",
    )

    t = sub.add_parser(
        "try",
        formatter_class=_formatter,
        help="the answer it would give, and why / la réponse qu'il donnerait, et pourquoi",
        description="Send one message, or several as one conversation, to the trained model on this "
        "computer (no running assistant needed) and show the answer as a person would see it, then why: "
        "language, intent and scores, the safety net, the danger score, the conversation policy.\n"
        "Envoie un message, ou plusieurs comme une conversation, au modèle entraîné et montre la "
        "réponse telle qu'une personne la verrait, puis pourquoi.\n\n"
        'Example / exemple:  bot try "my son is 13" "he\'s gone, we can\'t reach him"\n'
        "                    bot try --service chth",
    )
    t.add_argument("messages", nargs="*", metavar="MESSAGE", help="what a person types / ce qu'une personne écrit")
    t.add_argument(
        "--service",
        metavar="ID",
        help="show a service's text in English and French / montrer le texte d'un service en anglais et en français",
    )
    t.add_argument(
        "--language",
        choices=("en", "fr"),
        help="the web page's language button / le bouton de langue de la page web",
    )
    t.add_argument("--model", type=Path, help="model file (default models/assistant.tar.gz) / fichier du modèle")

    e = sub.add_parser(
        "evaluate",
        formatter_class=_formatter,
        help="measure the model against the accepted one / mesurer le modèle contre celui accepté",
        description="Measure the model on the held-out conversations: intent F1, emergency recall and "
        "language accuracy per language. Fails if a figure drops more than allowed. Writes a "
        "report with pictures.\nMesure le modèle sur les conversations réservées. Échoue si un "
        "chiffre baisse trop. Écrit un rapport illustré.",
    )
    e.add_argument("--model", type=Path, help="model file (default models/assistant.tar.gz) / fichier du modèle")
    e.add_argument(
        "--accept",
        action="store_true",
        help="record these figures as the new accepted ones / enregistrer ces chiffres comme acceptés",
    )
    e.add_argument("--no-report", action="store_true", help="don't write the report / ne pas écrire le rapport")

    r = sub.add_parser(
        "reload",
        formatter_class=_formatter,
        help="put the new model in the running assistant / mettre le nouveau modèle en service",
        description="Swap the model of the running assistant, without stopping it. Needs RASA_API_TOKEN "
        "(in .env) and an assistant on this computer.\nRemplace le modèle de l'assistant en "
        "marche, sans l'arrêter. Demande RASA_API_TOKEN (dans .env) et un assistant sur cet ordinateur.",
    )
    r.add_argument(
        "--url", help="the assistant's address (default http://localhost:5005, or RASA_URL) / adresse de l'assistant"
    )
    r.add_argument("--model", type=Path, help="model file (default models/assistant.tar.gz) / fichier du modèle")

    b = sub.add_parser(
        "rollback",
        formatter_class=_formatter,
        help="bring back the last accepted model / revenir au dernier modèle accepté",
        description="Put the last accepted model (or the one you name) back in models/assistant.tar.gz, "
        "with its accepted figures. A model that failed or was never evaluated only with --force.\n"
        "Remet le dernier modèle accepté (ou celui nommé) dans models/assistant.tar.gz, avec ses "
        "chiffres acceptés. Un modèle en échec ou non évalué seulement avec --force.",
    )
    b.add_argument("name", nargs="?", help="a name from `bot rollback --list` / un nom de `bot rollback --list`")
    b.add_argument("--list", action="store_true", help="list the saved models / lister les modèles gardés")
    b.add_argument(
        "--force",
        action="store_true",
        help="take a failed or unevaluated model anyway / prendre quand même un modèle en échec ou non évalué",
    )
    b.add_argument(
        "--reload", action="store_true", help="then reload the running assistant / puis recharger l'assistant"
    )
    b.add_argument("--url", help="the assistant's address / adresse de l'assistant")

    d = sub.add_parser(
        "restore-data",
        formatter_class=_formatter,
        help="put data/ and domain.yml back as in the last commit / remettre data/ et domain.yml comme au dernier commit",
        description="Undo every change to the examples, answers and service directory since the last commit "
        "(git). Lists what changes and asks first; keeps a copy of your versions in backups/.\n"
        "Défait tout changement aux exemples, réponses et répertoire depuis le dernier commit (git). "
        "Montre ce qui change et demande d'abord ; garde une copie de vos versions dans backups/.",
    )
    d.add_argument("--yes", action="store_true", help="don't ask / ne pas demander")

    s = sub.add_parser(
        "resources",
        formatter_class=_formatter,
        help="list, search, export or import the service directory / le répertoire des services",
        description="The service directory (data/resources.yml): list, search, export to a spreadsheet "
        "(CSV) for review, and import the reviewed CSV back, with the same checks as bot check.\n"
        "Le répertoire des services : lister, chercher, exporter en tableur (CSV) pour révision, "
        "et réimporter le CSV révisé, avec les mêmes vérifications que bot check.",
    )
    ss = s.add_subparsers(dest="action", metavar="ACTION")
    ls = ss.add_parser("list", help="list the services / lister les services")
    ls.add_argument("--hidden", action="store_true", help="include hidden entries / inclure les entrées cachées")
    se = ss.add_parser("search", help="find services by word / chercher des services par mot")
    se.add_argument("words", nargs="+")
    ex = ss.add_parser("export", help="write a CSV for review / écrire un CSV à réviser")
    ex.add_argument("file", type=Path)
    im = ss.add_parser("import", help="read a reviewed CSV back / relire un CSV révisé")
    im.add_argument("file", type=Path)
    im.add_argument(
        "--dry-run", action="store_true", help="check and show changes, write nothing / vérifier sans écrire"
    )
    w = sub.add_parser(
        "staff-page",
        formatter_class=_formatter,
        help="a page to edit services and answers, EN | FR / une page pour modifier services et réponses",
        description="Start a small web page, on this computer only, to edit the service directory and the "
        "answers side by side in English and French. Needs STAFF_PASSWORD in .env. Saving runs "
        "the same checks as bot check.\nLance une petite page web, sur cet ordinateur seulement, "
        "pour modifier le répertoire et les réponses, anglais et français côte à côte. Demande "
        "STAFF_PASSWORD dans .env. L'enregistrement fait les mêmes vérifications que bot check.",
    )
    w.add_argument("--port", type=int, default=8090, help="port (default 8090) / port (par défaut 8090)")
    return p


def main(argv: list[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `bot resources list | head` ends quietly
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    warnings.filterwarnings("ignore")  # library deprecation notices are not for staff
    args = parser().parse_args(argv)
    project = Project.find(args.project)
    if str(project.root) not in sys.path:
        sys.path.insert(0, str(project.root))

    if args.command == "check":
        from bot.staff.check import MIN_EXAMPLES, SECTIONS, run_checks
        from bot.staff.findings import errors, report
        from bot.staff.findings import warnings as warning_list

        sections = [s for s in SECTIONS if not (args.skip_rasa and s == "rasa")]
        print("Checking / Vérification de", project.root, "...\n", flush=True)
        findings = run_checks(project, sections, min_examples=args.min_examples or MIN_EXAMPLES)
        report(findings, args.language)
        n_err, n_warn = len(errors(findings)), len(warning_list(findings))
        if n_err:
            print(
                f"{n_err} problem(s) to fix and {n_warn} warning(s). Fix the problems, then run `bot check` again.\n"
                f"{n_err} problème(s) à corriger et {n_warn} avertissement(s). Corrigez, puis relancez `bot check`."
            )
            return 1
        print(
            f"All good{f' ({n_warn} warning(s) above)' if n_warn else ''}. Next: `bot train`.\n"
            f"Tout est bon{f' ({n_warn} avertissement(s) ci-dessus)' if n_warn else ''}. Ensuite : `bot train`."
        )
        return 0

    if args.command == "train":
        from bot.staff.train import train

        return 0 if train(project) else 1

    if args.command == "try":
        from bot.staff.preview import preview_service, try_messages

        if args.service:
            return preview_service(project, args.service)
        if not args.messages:
            parser().parse_args(["try", "--help"])
        return try_messages(project, args.messages, model=args.model, language=args.language)

    if args.command == "evaluate":
        from bot.staff.evaluate import evaluate

        return evaluate(project, args.model, do_accept=args.accept, report=not args.no_report)

    if args.command == "reload":
        from bot.staff.reload import reload

        return reload(project, url=args.url, model=args.model)

    if args.command == "rollback":
        from bot.staff.reload import list_saved, reload, rollback

        if args.list:
            return list_saved(project)
        code = rollback(project, args.name, force=args.force)
        if code == 0 and args.reload:
            return reload(project, url=args.url)
        return code

    if args.command == "restore-data":
        from bot.staff.restore import restore_data

        return restore_data(project, yes=args.yes)

    if args.command == "staff-page":
        from bot.staff.web import serve

        return serve(project, port=args.port)

    if args.command == "resources":
        from bot.staff import resources

        if args.action == "list":
            return resources.list_entries(project, hidden=args.hidden)
        if args.action == "search":
            return resources.search(project, " ".join(args.words))
        if args.action == "export":
            return resources.export_csv(project, args.file)
        if args.action == "import":
            return resources.import_csv(project, args.file, dry_run=args.dry_run)
        parser().parse_args(["resources", "--help"])

    parser().print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
