package catalog_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// modulePath is the import path of domainDir.
const modulePath = "casework/domain"

// proofs maps a string to the tests that mention it, each as
// "<package>.<TestName>", sorted.
type proofs map[string][]string

// scanTests parses every Go file under root (the domain directory) and
// returns the strings each test function mentions: direct holds the tests
// whose own body names a string (as a literal or a named constant),
// indirect those that reach it only through a package-level table, helper
// or constant of their test package. Tests named TestRules…
// are left out: they check the rule lists themselves and prove no rule.
// The catalog's own tests are left out too.
func scanTests(tb testing.TB, root string) (direct, indirect proofs) {
	tb.Helper()
	fset := token.NewFileSet()
	type pkgFiles struct {
		importPath string
		name       string // package clause, e.g. casefile or casefile_test
		files      []*ast.File
	}
	consts := map[string]map[string]string{} // import path -> const name -> string value
	var testPkgs []*pkgFiles
	byKey := map[string]*pkgFiles{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" || (d.Name() == "catalog" && path != root) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		ip := modulePath
		if rel != "." {
			ip += "/" + filepath.ToSlash(rel)
		}
		if !strings.HasSuffix(path, "_test.go") {
			if consts[ip] == nil {
				consts[ip] = map[string]string{}
			}
			for name, v := range stringConsts(f) {
				consts[ip][name] = v
			}
			return nil
		}
		key := ip + " " + f.Name.Name
		p := byKey[key]
		if p == nil {
			p = &pkgFiles{importPath: ip, name: f.Name.Name}
			byKey[key] = p
			testPkgs = append(testPkgs, p)
		}
		p.files = append(p.files, f)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}

	direct, indirect = proofs{}, proofs{}
	for _, p := range testPkgs {
		internal := !strings.HasSuffix(p.name, "_test")
		// Package-level declarations of the test package that a test can
		// reach by name: tables, helpers, constants.
		decls := map[string]ast.Node{}
		for _, f := range p.files {
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil && !isTest(d.Name.Name) {
						decls[d.Name.Name] = d
					}
				case *ast.GenDecl:
					for _, s := range d.Specs {
						if vs, ok := s.(*ast.ValueSpec); ok {
							for _, n := range vs.Names {
								decls[n.Name] = vs
							}
						}
					}
				}
			}
		}
		label := strings.TrimSuffix(p.name, "_test")
		for _, f := range p.files {
			imports := importNames(f)
			// mentions collects the strings of n; names it reaches through
			// decls go to deep when deep is non-nil.
			var mentions func(n ast.Node, out map[string]bool, deep map[string]bool, seen map[string]bool)
			mentions = func(n ast.Node, out map[string]bool, deep map[string]bool, seen map[string]bool) {
				ast.Inspect(n, func(n ast.Node) bool {
					switch n := n.(type) {
					case *ast.BasicLit:
						if n.Kind == token.STRING {
							if s, err := strconv.Unquote(n.Value); err == nil {
								out[s] = true
							}
						}
					case *ast.SelectorExpr:
						if x, ok := n.X.(*ast.Ident); ok {
							if path, ok := imports[x.Name]; ok {
								if v, ok := consts[path][n.Sel.Name]; ok {
									out[v] = true
								}
								return false
							}
						}
						mentions(n.X, out, deep, seen)
						return false
					case *ast.Ident:
						if internal {
							if v, ok := consts[p.importPath][n.Name]; ok {
								out[v] = true
							}
						}
						if d, ok := decls[n.Name]; ok && deep != nil && !seen[n.Name] {
							seen[n.Name] = true
							mentions(d, deep, deep, seen)
						}
					}
					return true
				})
			}
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Recv != nil || !isTest(fd.Name.Name) || strings.HasPrefix(fd.Name.Name, "TestRules") {
					continue
				}
				own, deep := map[string]bool{}, map[string]bool{}
				mentions(fd.Body, own, deep, map[string]bool{})
				test := label + "." + fd.Name.Name
				for s := range own {
					direct[s] = append(direct[s], test)
				}
				for s := range deep {
					if !own[s] {
						indirect[s] = append(indirect[s], test)
					}
				}
			}
		}
	}
	for _, m := range []proofs{direct, indirect} {
		for _, tests := range m {
			slices.Sort(tests)
		}
	}
	return direct, indirect
}

// proving orders the tests that prove rule: tests of the rule's home
// package that name it themselves, then those reaching it through a table
// or helper of their package, then tests of other packages likewise.
func proving(rule, home string, direct, indirect proofs) []string {
	var out []string
	for _, own := range []bool{true, false} {
		for _, m := range []proofs{direct, indirect} {
			for _, t := range m[rule] {
				if strings.HasPrefix(t, home+".") == own {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// isTest reports whether name is that of a test function: Test followed by
// nothing or by a character that is not a lower-case letter.
func isTest(name string) bool {
	rest, ok := strings.CutPrefix(name, "Test")
	return ok && rest != "" && rest != "Main" && !(rest[0] >= 'a' && rest[0] <= 'z')
}

// importNames maps the names a file uses for its imports to their paths.
func importNames(f *ast.File) map[string]string {
	out := map[string]string{}
	for _, is := range f.Imports {
		path, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			continue
		}
		name := path[strings.LastIndex(path, "/")+1:]
		if is.Name != nil {
			name = is.Name.Name
		}
		out[name] = path
	}
	return out
}

// stringConsts returns the package-level constants of f whose value is a
// plain string literal.
func stringConsts(f *ast.File) map[string]string {
	out := map[string]string{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if v, err := strconv.Unquote(lit.Value); err == nil {
						out[n.Name] = v
					}
				}
			}
		}
	}
	return out
}
