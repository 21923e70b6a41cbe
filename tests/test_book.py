"""The book as a whole: chapters present and executed, Colab-ready, every public API shown,
and the rendered HTML checked in a real browser."""
from __future__ import annotations

import inspect
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import minigluon as mx
from minigluon import autograd, gluon, initializer, optimizer
from minigluon.gluon import data as gdata, loss, nn, utils as gutils

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ['00_ndarray_autograd', '01_model_construction', '02_parameters', '03_deferred_init',
            '04_custom_layers', '05_read_write', '06_gpu', '07_capstone']
# notebooks of the book outside chapters/, by their path from the root (no exercises there)
APPENDIX_NOTEBOOKS = ['appendix/api_tour']
NOTEBOOKS = ['chapters/' + name for name in CHAPTERS] + APPENDIX_NOTEBOOKS


def _notebook(name: str) -> dict:
    """A chapter by its name, or any notebook of the book by its path from the root."""
    path = ROOT / (name if '/' in name else 'chapters/' + name)
    return json.loads(path.with_suffix('.ipynb').read_text(encoding='utf-8'))


def _code_cells(name: str) -> list:
    return [c for c in _notebook(name)['cells'] if c['cell_type'] == 'code']


def _repository_url() -> str:
    match = re.search(r'^repository:\s*\n\s+url:\s*(\S+)', (ROOT / '_config.yml').read_text(), re.M)
    assert match, '_config.yml has no repository url'
    return match.group(1)


def test_toc_lists_every_notebook():
    toc = (ROOT / '_toc.yml').read_text()
    for name in NOTEBOOKS:
        assert 'file: ' + name in toc


def test_nbval_executes_every_notebook_folder():
    ini = (ROOT / 'pytest.ini').read_text()
    testpaths = re.search(r'^testpaths\s*=(.*)$', ini, re.M).group(1).split()
    assert {name.split('/')[0] for name in NOTEBOOKS} <= set(testpaths)


@pytest.mark.parametrize('name', NOTEBOOKS)
def test_notebook_is_committed_executed(name):
    cells = _code_cells(name)
    unrun = [i for i, c in enumerate(cells) if c.get('execution_count') is None]
    assert not unrun, '%s: code cells %s have no stored execution (nbval would only smoke-run them)' % (name, unrun)


@pytest.mark.parametrize('name', CHAPTERS)
def test_chapter_has_bilingual_title_and_exercises(name):
    cells = _notebook(name)['cells']
    title = ''.join(cells[0]['source'])
    assert title.startswith('# ') and re.search(r'[\u4e00-\u9fff]', title), title
    text = '\n'.join(''.join(c['source']) for c in cells if c['cell_type'] == 'markdown')
    assert '## Exercises (练习)' in text


@pytest.mark.parametrize('name', NOTEBOOKS)
def test_first_code_cell_installs_minigluon_from_the_configured_repository(name):
    first = _code_cells(name)[0]
    source = ''.join(first['source'])
    assert 'install' in first['metadata'].get('tags', [])
    assert "find_spec('minigluon') is None" in source
    # `!pip`, not `%pip`: the magic always ends with "you may need to restart the kernel"
    assert '    !pip install -q git+' + _repository_url() in source


# One exercise per chapter where the student implements machinery the chapter explains: a
# mini-tape op, structural keys, an SGD step, a lazy layer, the file format, device dispatch.
BUILD_IT = {'00_ndarray_autograd': '00.5', '01_model_construction': '01.5', '02_parameters': '02.5',
            '03_deferred_init': '03.2', '04_custom_layers': '04.3', '05_read_write': '05.1',
            '06_gpu': '06.5', '07_capstone': '07.1'}


# The build track (issue #19): over the chapters the student grows one framework of their own on
# the mini tape of 00.5, one piece per chapter, each exercise preceded by a folded cell holding the
# reference of the earlier pieces (so a mistake in one chapter never blocks the next, and each
# notebook runs alone).
BUILD_TRACK = {'00_ndarray_autograd': '00.5', '01_model_construction': '01.6', '02_parameters': '02.6',
               '03_deferred_init': '03.5', '04_custom_layers': '04.5',
               '05_read_write': '05.5', '06_gpu': '06.6', '07_capstone': '07.6'}


@pytest.mark.parametrize('name', sorted(BUILD_TRACK))
def test_build_track_piece_has_its_check_and_the_framework_so_far(name):
    cells = _notebook(name)['cells']
    key = BUILD_TRACK[name]
    title = [i for i, c in enumerate(cells) if c['cell_type'] == 'markdown'
             and 'Exercise %s (build track' % key in ''.join(c['source'])]
    assert len(title) == 1, '%s: no markdown cell titles exercise %s (build track)' % (name, key)
    checks = [i for i, c in enumerate(cells) if c['metadata'].get('exercise') == key]
    assert checks and checks[0] > title[0], '%s: exercise %s has no check cell' % (name, key)
    if key != '00.5':   # the first piece builds on the chapter's own mini tape
        between = cells[title[0] + 1:checks[0]]
        so_far = [c for c in between if ''.join(c['source']).startswith('# The framework so far')]
        assert so_far and 'hide-input' in so_far[0]['metadata'].get('tags', []) and \
            'solution' not in so_far[0]['metadata'].get('tags', []), \
            '%s: exercise %s has no folded "framework so far" cell' % (name, key)


def _markdown(name: str) -> list:
    return [c for c in _notebook(name)['cells'] if c['cell_type'] == 'markdown']


@pytest.mark.parametrize('name', CHAPTERS)
def test_chapter_has_a_summary_a_folded_deep_dive_and_a_build_it_exercise(name):
    cells = _notebook(name)['cells']
    text = '\n'.join(''.join(c['source']) for c in _markdown(name))
    assert '## Summary' in text, '%s has no Summary' % name
    folded = [c for c in cells if 'hide-cell' in c['metadata'].get('tags', [])
              or (c['cell_type'] == 'markdown' and ':class: dropdown' in ''.join(c['source'])
                  and 'solution' not in c['metadata'].get('tags', []))]
    assert 'Deep dive' in text and folded, '%s has no folded deep dive' % name
    # the exercise in which the student builds a piece of the machinery, checked against minigluon
    keys = [c['metadata'].get('exercise') for c in cells if 'check' in c['metadata'].get('tags', [])]
    assert BUILD_IT[name] in keys, '%s: the build-it exercise %s has no check cell' % (
        name, BUILD_IT[name])


@pytest.mark.parametrize('name', CHAPTERS)
def test_every_discussion_exercise_has_a_folded_model_answer(name):
    cells = _notebook(name)['cells']
    for i, cell in enumerate(cells):
        source = ''.join(cell['source'])
        if cell['cell_type'] != 'markdown' or not re.search(
                r'Exercise \d\d\.\d \((discussion|to think about|on a GPU machine)', source):
            continue
        following = cells[i + 1]
        assert 'solution' in following['metadata'].get('tags', []) and \
            ':class: dropdown' in ''.join(following['source']), \
            '%s cell %d: a discussion exercise without a folded model answer after it' % (name, i)


# Kangxi radicals (U+2F00-U+2FDF) and CJK radicals (U+2E80-U+2EFF) look like ordinary CJK
# characters but are other code points: text copied from a PDF brings them in, and search,
# dictionaries and screen readers then fail on words such as 第⼀ (with U+2F00, not 一).
_RADICALS = re.compile('[\u2e80-\u2fdf]')


def _book_texts():
    """(where, text) for every file the book is built from."""
    for name in CHAPTERS:
        for index, cell in enumerate(_notebook(name)['cells']):
            outputs = ''.join(''.join(o.get('text', '')) for o in cell.get('outputs', []))
            yield '%s cell %d' % (name, index), ''.join(cell['source']) + outputs
    for path in [ROOT / 'intro.md', ROOT / '_toc.yml', *sorted((ROOT / 'appendix').glob('*.md'))]:
        yield path.name, path.read_text(encoding='utf-8')


def test_book_has_no_radical_look_alikes_of_cjk_characters():
    found = ['%s: %s' % (where, ' '.join('%s (U+%04X)' % (c, ord(c)) for c in sorted(set(hits))))
             for where, text in _book_texts() for hits in [_RADICALS.findall(text)] if hits]
    assert not found, 'radicals instead of CJK characters: %s' % '; '.join(found)


def test_radical_check_catches_a_look_alike():
    assert _RADICALS.search('第\u2f00次') and not _RADICALS.search('第一次')


def _public_api() -> set:
    """Every public class and function minigluon defines, by the name a student types."""
    modules = [mx, mx.nd, mx.nd.random, mx.random, mx.context, autograd, initializer, optimizer,
               gluon, gluon.parameter, nn, loss, mx.name, gdata, gdata.vision,
               gdata.vision.transforms, gutils]
    names = set()
    for module in modules:
        for name, obj in vars(module).items():
            if name.startswith('_') or not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            if getattr(obj, '__module__', '').startswith('minigluon'):
                names.add(name)
    return names


def test_every_public_class_and_function_is_shown_in_the_book():
    code = '\n'.join(''.join(c['source']) for name in NOTEBOOKS for c in _code_cells(name))
    missing = sorted(n for n in _public_api() if not re.search(r'\b%s\b' % re.escape(n), code))
    assert not missing, 'never used or shown in any chapter or appendix: %s' % ', '.join(missing)


# ----- the rendered book, in a real browser -------------------------------------------------
CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')


@pytest.fixture(scope='module')
def built_book(tmp_path_factory):
    out = tmp_path_factory.mktemp('book')
    jupyter_book = Path(sys.executable).parent / 'jupyter-book'
    result = subprocess.run([str(jupyter_book) if jupyter_book.exists() else 'jupyter-book', 'build', str(ROOT), '--path-output', str(out),
                             '-W', '-n', '--keep-going'], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out / '_build' / 'html'


def _chromium(*args, timeout=120) -> str:
    profile = subprocess.run(['mktemp', '-d'], capture_output=True, text=True).stdout.strip()
    cmd = [CHROMIUM, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
           '--no-first-run', '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--user-data-dir=' + profile, '--window-size=1280,900',
           '--virtual-time-budget=5000', *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout).stdout


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
@pytest.mark.parametrize('name', CHAPTERS)
def test_chapter_page_renders_with_code_outputs_figures_and_colab_link(built_book, name):
    page = built_book / 'chapters' / (name + '.html')
    assert page.exists()
    dom = _chromium('--dump-dom', page.as_uri())
    assert 'class="cell docutils container"' in dom or 'cell_input' in dom, 'no code cells rendered'
    assert 'cell_output' in dom, 'no outputs rendered'
    assert re.search(r'<img[^>]+src="[^"]*_images/', dom), 'no figure rendered'
    # Colab opens the student edition (student/chapters/), never the solutions
    colab = 'https://colab.research.google.com/github/%s/blob/main/student/chapters/%s.ipynb' % (
        _repository_url().split('github.com/')[1], name)
    assert colab in dom, 'no Colab launch link'
    shots = ROOT / '_build' / 'screenshots'
    shots.mkdir(parents=True, exist_ok=True)
    _chromium('--screenshot=%s' % (shots / (name + '.png')), page.as_uri())
    assert (shots / (name + '.png')).stat().st_size > 10_000, 'blank screenshot'


@pytest.mark.parametrize('name', sorted(n for n in BUILD_TRACK if n[:2] != '00'))
def test_build_track_pieces_of_the_checks_tests_are_the_notebooks(name):
    """tests/build_track.py (the reference the checks are tested with) holds the very code of
    the chapter's solution cell and of its framework-so-far cell."""
    from build_track import PIECES
    cells = _notebook(name)['cells']
    key = BUILD_TRACK[name]
    check = next(i for i, c in enumerate(cells) if c['metadata'].get('exercise') == key)
    solution = next(''.join(c['source']) for c in cells[check - 1::-1]
                    if 'solution' in c['metadata'].get('tags', []))
    solution = re.sub(r'\n    ### (BEGIN|END) SOLUTION', '', solution)
    so_far = next(''.join(c['source']) for c in cells[check - 1::-1]
                  if ''.join(c['source']).startswith('# The framework so far'))
    chapter = int(name[:2])
    for piece, text in PIECES:
        if int(piece[1]) == chapter:
            assert text.strip() in solution, '%s: piece %s differs from the solution cell' % (name, piece)
    assert PIECES[0][1].strip() in so_far, '%s: the framework so far does not hold the mini tape' % name


def test_capstone_trains_the_students_own_pieces():
    """07.6 runs the student's pieces: the cell after the folded reference is a solution cell
    that defines every name the reference defines (the student edition keeps a stub of each,
    which the student replaces), the check is handed them with REFERENCE (to name those still
    the reference's), and the comparison after it reports which names are the student's."""
    cells = _notebook('07_capstone.ipynb')['cells']
    so_far = next(i for i, c in enumerate(cells) if ''.join(c['source']).startswith('# The framework so far'))
    mine = cells[so_far + 1]
    assert ''.join(mine['source']).startswith('# YOUR PIECES') and 'solution' in mine['metadata'].get('tags', [])
    reference = ''.join(cells[so_far]['source'])
    names = re.search(r'REFERENCE = dict\((.*?)\)', reference, re.S).group(1)
    names = re.findall(r'(\w+)=', names)
    defined = re.findall(r'^(?:def|class) (\w+)', ''.join(mine['source']), re.M)
    assert sorted(defined) == sorted(names), (defined, names)
    check = next(i for i, c in enumerate(cells) if c['metadata'].get('exercise') == '07.6')
    assert so_far < check and 'ch07.check_6(REFERENCE, [' in ''.join(cells[check]['source'])
    report = next(''.join(c['source']) for c in cells[check:] if 'is not REFERENCE[n]' in ''.join(c['source']))
    assert 'number for number' in report and 'save_parameters(' in report and '.to(ctx)' in report


def _deep_dive_cells(cells):
    """The cells under a 'Deep dive' heading (until a heading of the same or a higher level, or
    an exercise), each with whether it is in one, as the course budget reads them."""
    in_dd, level_dd = False, 0
    for c in cells:
        if c['cell_type'] == 'markdown':
            for hashes, title in re.findall(r'^(#{1,4}) (.*)$', ''.join(c['source']), re.M):
                if re.search(r'deep dive', title, re.I):
                    in_dd, level_dd = True, len(hashes)
                elif in_dd and (len(hashes) <= level_dd or re.search(r'exercise', title, re.I)):
                    in_dd = False
        yield c, in_dd


@pytest.mark.parametrize('name', CHAPTERS)
def test_deep_dives_are_folded_whole(name):
    """A deep dive shows only its heading: its prose sits in a dropdown whose prompt says it is
    optional, its code cells are folded behind the deep-dive prompt in the book and behind a
    form title in Colab."""
    for c, in_dd in _deep_dive_cells(_notebook(name)['cells']):
        if not in_dd:
            continue
        source = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            outside = re.sub(r'````\{admonition\} Deep dive \(optional\): show the text\n:class: dropdown\n'
                             r'.*?\n````', '', source, flags=re.S)
            visible = [line for line in outside.split('\n')
                       if line.strip() and not re.match(r'#{1,4} .*Deep dive \(optional\)', line)]
            assert not visible, '%s: deep-dive prose left unfolded: %r' % (name, visible[:2])
        else:
            meta = c['metadata']
            assert 'hide-cell' in meta.get('tags', []), '%s: deep-dive code not folded: %r' % (name, source[:60])
            assert meta['mystnb']['code_prompt_show'].startswith('Deep dive (optional)')
            assert meta.get('cellView') == 'form' and source.startswith('#@title Deep dive (optional)')


@pytest.mark.parametrize('name', CHAPTERS)
def test_a_cell_titled_deep_dive_is_folded_as_one(name):
    """Title and folding agree: a code cell titled "Deep dive" is folded whole (code and output,
    'hide-cell'); a cell whose output the main path shows ('hide-input', a figure) is not
    called a deep dive."""
    for c in _notebook(name)['cells']:
        if c['cell_type'] != 'code':
            continue
        source, tags = ''.join(c['source']), set(c['metadata'].get('tags', []))
        prompt = c['metadata'].get('mystnb', {}).get('code_prompt_show', '')
        titled = source.startswith('#@title Deep dive') or prompt.startswith('Deep dive')
        assert not titled or 'hide-cell' in tags, '%s: %r is titled a deep dive but shows its output' \
            % (name, source[:60])


MAIN_PATH_WORDS, MAIN_PATH_CODE_CELLS = 1500, 30


def _main_path(cells):
    """The cells a reader meets before '## Exercises', deep dives left out; a markdown cell
    that holds the heading counts up to it."""
    for c, in_deep_dive in _deep_dive_cells(cells):
        source = ''.join(c['source'])
        head = re.split(r'^## Exercises', source, maxsplit=1, flags=re.M)
        if not in_deep_dive:
            yield c, head[0]
        if len(head) > 1:
            return


@pytest.mark.parametrize('name', CHAPTERS)
def test_the_main_path_is_read_in_under_an_hour(name):
    """At most 1,500 words of unfolded prose (dropdowns such as hints are folded) and 30
    unfolded code cells (the install cell, and folded cells, not counted) before the exercises."""
    words, code = 0, 0
    for c, source in _main_path(_notebook(name)['cells']):
        if c['cell_type'] == 'markdown':
            words += len(re.sub(r'(`{3,})\{admonition\}.*?\n\1', '', source, flags=re.S).split())
        elif not {'hide-cell', 'remove-cell', 'hide-input'} & set(c['metadata'].get('tags', [])) \
                and "find_spec('minigluon')" not in source:
            code += 1
    assert words <= MAIN_PATH_WORDS and code <= MAIN_PATH_CODE_CELLS, (name, words, code)
    assert words > 200 or name == '07_capstone', (name, words)   # the count reads something


@pytest.mark.parametrize('name', CHAPTERS)
def test_every_exercise_says_how_long_it_takes(name):
    titles = [line for c in _markdown(name) for line in ''.join(c['source']).split('\n')
              if re.match(r'(#+ |\*\*)Exercise \d\d\.\d', line)]
    assert titles, '%s has no exercise titles' % name
    for line in titles:
        assert re.search(r'\(about \d+ min\)', line), '%s: no estimated time in %r' % (name, line)
